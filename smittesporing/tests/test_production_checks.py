"""Production mode refuses to start with insecure settings (DEBUG, default key, test IdP, SQLite)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAFE = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 64,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "smittesporing.example.no",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "TEST_IDP_ENABLED": "false",
    "ALLOW_SYNTHETIC_FNR": "false",
    "OIDC_DISCOVERY_URL": "https://idporten.example.no/.well-known/openid-configuration",
}


def django_check(**overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SAFE}
    env.update(SAFE)
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_safe_production_settings_start():
    result = django_check()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG must be false"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"TEST_IDP_ENABLED": "true"}, "TEST_IDP_ENABLED"),
        ({"DATABASE_URL": "sqlite:///tmp/x.sqlite3"}, "PostgreSQL"),
        ({"ALLOW_SYNTHETIC_FNR": "true"}, "ALLOW_SYNTHETIC_FNR"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
    ],
)
def test_insecure_production_settings_are_refused(override, message):
    result = django_check(**override)
    assert result.returncode != 0
    assert "Refusing to start in production mode" in result.stderr
    assert message in result.stderr
