"""S7: production mode. `manage.py check --deploy --fail-level WARNING` is clean with production
settings, no `security.*` check is silenced, and production mode refuses to start on each unsafe
setting (DEBUG, a weak or default secret key, the test identity provider, SQLite, a wildcard
host, synthetic registers, the development OIDC client, http URLs, rate limits off, no Redis).
Also the production values of the S5 cookie flags and the S6 HSTS settings.

Each case runs Django in a subprocess with DJANGO_ENV=production, as a deployment would.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from core import production_checks

ROOT = Path(__file__).resolve().parents[2]


def _organisation_key_file() -> str:
    """The Maskinporten key as the operator installs it (PEM, readable by its owner only)."""
    from tests.test_production_checklist import rsa_key_file

    return str(rsa_key_file(Path(tempfile.mkdtemp(prefix="smittesporing-key-")) / "key.pem"))


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
    "OIDC_CLIENT_ID": "a5b1c7e0-registered-with-idporten",
    "OIDC_CLIENT_SECRET": "Xq3-registered-secret-9vKp2LmZ",
    "SITE_URL": "https://smittesporing.example.no",
    "REGISTER_BACKEND": "http",
    "RATE_LIMIT_ENABLED": "true",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    # The HTTP registers and their Maskinporten client (registers.checks).
    "FOLKEREGISTER_URL": "https://folkeregisteret.example.no/api/v1",
    "KRR_URL": "https://krr.example.no",
    "MASKINPORTEN_CLIENT_ID": "b7c2e1f0-registered-with-maskinporten",
    "MASKINPORTEN_KID": "smittesporing-2026",
    "MASKINPORTEN_KEY_FILE": _organisation_key_file(),
    "MASKINPORTEN_AUDIENCE": "https://maskinporten.example.no/",
    "MASKINPORTEN_TOKEN_URL": "https://maskinporten.example.no/token",
    "EMAIL_HOST": "smtp.example.no",
    "DEFAULT_FROM_EMAIL": "ikke-svar@kommune.example.no",
    "SMS_BACKEND": "http",
    "SMS_GATEWAY_URL": "https://sms.example.no/send",
}
# Settings that a deployment could get wrong and that would switch a protection off.
_UNSET = ("SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SESSION_ABSOLUTE_TIMEOUT_SECONDS")


def manage(*args: str, **overrides: str | None) -> subprocess.CompletedProcess:
    """`manage.py` with the safe production environment; an override of None unsets a variable."""
    env = {k: v for k, v in os.environ.items() if k not in SAFE and k not in _UNSET}
    env.update(SAFE)
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


_CHECKED_SETTINGS = (
    "PRODUCTION",
    "DEBUG",
    "SECRET_KEY",
    "DEV_SECRET_KEY",
    "TEST_IDP_ENABLED",
    "ALLOW_SYNTHETIC_FNR",
    "DATABASE_ENGINE",
    "ALLOWED_HOSTS",
    "REGISTER_BACKEND",
    "OIDC_DISCOVERY_URL",
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
    "DEV_OIDC_CLIENT_ID",
    "DEV_OIDC_CLIENT_SECRET",
    "SITE_URL",
    "RATE_LIMIT_ENABLED",
    "REDIS_URL",
    "EMAIL_HOST",
    "DEFAULT_FROM_EMAIL",
    "DEV_FROM_EMAIL",
    "SMS_BACKEND",
    "SMS_GATEWAY_URL",
)


def production_settings(*names: str) -> dict:
    script = (
        "import json; from django.conf import settings; "
        "value = lambda n: settings.DATABASES['default']['ENGINE'] "
        "if n == 'DATABASE_ENGINE' else getattr(settings, n, None); "
        f"print(json.dumps({{n: value(n) for n in {list(names)!r}}}))"
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


def _case_id(value):
    if not isinstance(value, dict):
        return None
    name, setting = next(iter(value.items()))
    shown = "unset" if setting is None else (setting[:20] or "empty")
    return f"{name}={shown}"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG must be false"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev-only-insecure-secret-key-do-not-use-in-production"}, "SECRET_KEY"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "a" * 50}, "SECRET_KEY"),
        ({"SECRET_KEY": "abcd" * 20}, "SECRET_KEY"),
        (
            {"SECRET_KEY": "django-insecure-q8Zr1vX-e6Kd0pW3sLmYc4Tn9JbHf2GuA7oRiE5xVz"},
            "SECRET_KEY",
        ),
        ({"TEST_IDP_ENABLED": "true"}, "TEST_IDP_ENABLED"),
        (
            {"OIDC_DISCOVERY_URL": "https://x.example/testidp/.well-known/openid-configuration"},
            "OIDC_DISCOVERY_URL",
        ),
        ({"DATABASE_URL": "sqlite:///tmp/x.sqlite3"}, "PostgreSQL"),
        ({"ALLOW_SYNTHETIC_FNR": "true"}, "ALLOW_SYNTHETIC_FNR"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "smittesporing.example.no,*"}, "ALLOWED_HOSTS"),
        ({"REGISTER_BACKEND": None}, "REGISTER_BACKEND"),
        ({"REGISTER_BACKEND": "synthetic"}, "REGISTER_BACKEND"),
        ({"OIDC_CLIENT_ID": None}, "OIDC_CLIENT_ID"),
        ({"OIDC_CLIENT_ID": "smittesporing-dev"}, "OIDC_CLIENT_ID"),
        ({"OIDC_CLIENT_SECRET": None}, "OIDC_CLIENT_SECRET"),
        ({"OIDC_CLIENT_SECRET": "dev-client-secret"}, "OIDC_CLIENT_SECRET"),
        (
            {"OIDC_DISCOVERY_URL": "http://idporten.example.no/.well-known/openid-configuration"},
            "OIDC_DISCOVERY_URL must be an https:// URL",
        ),
        ({"SITE_URL": "http://smittesporing.example.no"}, "SITE_URL"),
        ({"SITE_URL": None}, "SITE_URL"),
        ({"RATE_LIMIT_ENABLED": "false"}, "RATE_LIMIT_ENABLED"),
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"REDIS_URL": ""}, "REDIS_URL"),
        ({"EMAIL_HOST": ""}, "EMAIL_HOST"),
        ({"DEFAULT_FROM_EMAIL": ""}, "DEFAULT_FROM_EMAIL"),
        ({"SMS_BACKEND": "fake"}, "SMS_BACKEND"),
        ({"SMS_GATEWAY_URL": ""}, "SMS_GATEWAY_URL"),
    ],
    ids=_case_id,
)
def test_s7_insecure_production_settings_are_refused(override, message):
    result = manage("check", **override)
    assert result.returncode != 0
    assert "Refusing to start in production mode" in result.stderr
    assert message in result.stderr
    # Only the one unsafe setting is named: each refusal stands on its own.
    refusal = result.stderr.strip().splitlines()[-1]
    assert refusal.count(";") == 0, refusal


@pytest.mark.parametrize(
    "check", production_checks.CHECKS, ids=lambda check: check.__name__.removeprefix("check_")
)
def test_s7_each_production_check_passes_the_safe_settings(check, safe_values):
    """The subprocess cases above change one variable each; here every check, called as the
    plain function it is, accepts the settings a correct deployment has."""
    assert check(safe_values) is None


@pytest.fixture(scope="module")
def safe_values() -> dict:
    values = production_settings(*_CHECKED_SETTINGS)
    values["DATABASES"] = {"default": {"ENGINE": values.pop("DATABASE_ENGINE")}}
    return values


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
