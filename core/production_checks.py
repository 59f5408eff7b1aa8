"""Production mode refuses to start with settings that would be unsafe for health data.

Each check is a plain function of the settings (a dict, the settings module's globals) that
returns what is wrong, or None. A deployment that fails one gets every problem at once, each
naming the variable to fix.
"""

from collections.abc import Callable

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured


def check_debug(settings: dict) -> str | None:
    if settings["DEBUG"]:
        return "DEBUG must be false"
    return None


def check_secret_key(settings: dict) -> str | None:
    """The same bar as Django's security.W009, refused instead of warned about."""
    key = settings["SECRET_KEY"]
    if (
        key == settings["DEV_SECRET_KEY"]
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
        or len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    ):
        return (
            f"SECRET_KEY must be set to a random value of at least {SECRET_KEY_MIN_LENGTH} "
            f"characters with at least {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones"
        )
    return None


def check_test_idp(settings: dict) -> str | None:
    if settings["TEST_IDP_ENABLED"]:
        return "TEST_IDP_ENABLED must be false (the test identity provider is for development)"
    return None


def check_synthetic_fnr(settings: dict) -> str | None:
    if settings["ALLOW_SYNTHETIC_FNR"]:
        return "ALLOW_SYNTHETIC_FNR must be false"
    return None


def check_database(settings: dict) -> str | None:
    if settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3":
        return "DATABASE_URL must point to PostgreSQL"
    return None


def check_allowed_hosts(settings: dict) -> str | None:
    hosts = settings["ALLOWED_HOSTS"]
    if not hosts:
        return "ALLOWED_HOSTS must be set"
    if any("*" in host for host in hosts):
        return "ALLOWED_HOSTS must name the site's host names, not a wildcard (*)"
    return None


def check_register_backend(settings: dict) -> str | None:
    if settings["REGISTER_BACKEND"] != "http":
        return (
            "REGISTER_BACKEND must be http (Folkeregisteret and KRR), not "
            f"{settings['REGISTER_BACKEND']!r}"
        )
    return None


def check_oidc_discovery_url(settings: dict) -> str | None:
    url = settings["OIDC_DISCOVERY_URL"]
    if "/testidp/" in url:
        return "OIDC_DISCOVERY_URL must point to ID-porten"
    if not url.startswith("https://"):
        return "OIDC_DISCOVERY_URL must be an https:// URL"
    return None


def check_oidc_client(settings: dict) -> str | None:
    client_id = settings["OIDC_CLIENT_ID"]
    if not client_id or client_id == settings["DEV_OIDC_CLIENT_ID"]:
        return "OIDC_CLIENT_ID must be set to the client registered with ID-porten"
    # A client that authenticates with a signed JWT (private_key_jwt) has no secret.
    if settings.get("OIDC_CLIENT_AUTH_METHOD", "client_secret_basic") != "client_secret_basic":
        return None
    secret = settings["OIDC_CLIENT_SECRET"]
    if not secret or secret == settings["DEV_OIDC_CLIENT_SECRET"]:
        return "OIDC_CLIENT_SECRET must be set to the secret registered with ID-porten"
    return None


def check_site_url(settings: dict) -> str | None:
    if not settings["SITE_URL"].startswith("https://"):
        return "SITE_URL must be an https:// URL (the OIDC redirect URIs are built from it)"
    return None


def check_rate_limits(settings: dict) -> str | None:
    if not settings["RATE_LIMIT_ENABLED"]:
        return "RATE_LIMIT_ENABLED must be true"
    return None


def check_redis(settings: dict) -> str | None:
    if not settings["REDIS_URL"]:
        return (
            "REDIS_URL must be set (without a shared cache every process counts the rate "
            "limits on its own)"
        )
    return None


def check_email(settings: dict) -> str | None:
    if not settings.get("EMAIL_HOST"):
        return "EMAIL_HOST must be set (confirmations are sent by e-mail)"
    return None


def check_from_email(settings: dict) -> str | None:
    if settings.get("DEFAULT_FROM_EMAIL") in ("", None, settings.get("DEV_FROM_EMAIL")):
        return "DEFAULT_FROM_EMAIL must be set"
    return None


def check_sms(settings: dict) -> str | None:
    if settings.get("SMS_BACKEND") != "http":
        return "SMS_BACKEND must be http (the fake gateway only prints the messages)"
    if not settings.get("SMS_GATEWAY_URL"):
        return "SMS_GATEWAY_URL must be set when SMS_BACKEND=http"
    return None


CHECKS: tuple[Callable[[dict], str | None], ...] = (
    check_debug,
    check_secret_key,
    check_test_idp,
    check_synthetic_fnr,
    check_database,
    check_allowed_hosts,
    check_register_backend,
    check_oidc_discovery_url,
    check_oidc_client,
    check_site_url,
    check_rate_limits,
    check_redis,
    check_email,
    check_from_email,
    check_sms,
)


def production_problems(settings: dict) -> list[str]:
    return [problem for check in CHECKS if (problem := check(settings))]


def refuse_insecure_production_settings(settings: dict) -> None:
    if not settings["PRODUCTION"]:
        return
    problems = production_problems(settings)
    if problems:
        raise ImproperlyConfigured("Refusing to start in production mode: " + "; ".join(problems))
