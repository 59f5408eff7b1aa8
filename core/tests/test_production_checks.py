"""S7: production mode. `manage.py check --deploy --fail-level WARNING` is clean with production
settings, no `security.*` check is silenced, and production mode refuses to start with DEBUG,
a default secret key, the test identity provider or SQLite. Also the production values of the
S5 cookie flags and the S6 HSTS settings.

Each case runs Django in a subprocess with DJANGO_ENV=production, as a deployment would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAFE = {
    "DJANGO_ENV": "production",
    # Random-looking, as Django's security.W009 wants (long, many different characters).
    "SECRET_KEY": "q8Zr1vX-e6Kd0pW3sLmYc4Tn9JbHf2GuA7oRiE5xVzQy_NtBkMa3PwDsJh6UlOgF",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "smittesporing.example.no",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "TEST_IDP_ENABLED": "false",
    "ALLOW_SYNTHETIC_FNR": "false",
    "OIDC_DISCOVERY_URL": "https://idporten.example.no/.well-known/openid-configuration",
    "EMAIL_HOST": "smtp.example.no",
    "DEFAULT_FROM_EMAIL": "ikke-svar@kommune.example.no",
    "SMS_BACKEND": "http",
    "SMS_GATEWAY_URL": "https://sms.example.no/send",
}
# Settings that a deployment could get wrong and that would switch a protection off.
_UNSET = ("SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SESSION_ABSOLUTE_TIMEOUT_SECONDS")


def manage(*args: str, **overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SAFE and k not in _UNSET}
    env.update(SAFE)
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(*names: str) -> dict:
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    result = manage("shell", "--no-imports", "-c", script)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_s7_safe_production_settings_start():
    result = manage("check")
    assert result.returncode == 0, result.stderr


def test_s7_check_deploy_is_clean_at_warning_level():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_s7_no_security_check_is_silenced():
    silenced = production_settings("SILENCED_SYSTEM_CHECKS")["SILENCED_SYSTEM_CHECKS"]
    assert not [check for check in silenced or [] if check.startswith("security.")]


def test_s7_check_deploy_fails_when_a_protection_is_switched_off():
    """The check has teeth: without HSTS it reports security.W004 and fails."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG must be false"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev-only-insecure-secret-key-do-not-use-in-production"}, "SECRET_KEY"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"TEST_IDP_ENABLED": "true"}, "TEST_IDP_ENABLED"),
        (
            {"OIDC_DISCOVERY_URL": "https://x.example/testidp/.well-known/openid-configuration"},
            "OIDC_DISCOVERY_URL",
        ),
        ({"DATABASE_URL": "sqlite:///tmp/x.sqlite3"}, "PostgreSQL"),
        ({"ALLOW_SYNTHETIC_FNR": "true"}, "ALLOW_SYNTHETIC_FNR"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"EMAIL_HOST": ""}, "EMAIL_HOST"),
        ({"DEFAULT_FROM_EMAIL": ""}, "DEFAULT_FROM_EMAIL"),
        ({"SMS_BACKEND": "fake"}, "SMS_BACKEND"),
        ({"SMS_GATEWAY_URL": ""}, "SMS_GATEWAY_URL"),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else None,
)
def test_s7_insecure_production_settings_are_refused(override, message):
    result = manage("check", **override)
    assert result.returncode != 0
    assert "Refusing to start in production mode" in result.stderr
    assert message in result.stderr


def test_s5_s6_production_cookie_and_transport_settings():
    """S5: session and CSRF cookies Secure, HttpOnly, SameSite=Lax in production.
    S6: HSTS for a year with subdomains, https only, nosniff and a Referrer-Policy."""
    values = production_settings(
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
        "SESSION_COOKIE_AGE",
        "SESSION_ABSOLUTE_TIMEOUT_SECONDS",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "DEBUG",
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_AGE": 30 * 60,
        "SESSION_ABSOLUTE_TIMEOUT_SECONDS": 120 * 60,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "DEBUG": False,
    }
