"""Production mode refuses to start with settings that would be unsafe for health data."""

from django.core.exceptions import ImproperlyConfigured


def refuse_insecure_production_settings(settings: dict) -> None:
    if not settings["PRODUCTION"]:
        return
    problems = []
    if settings["DEBUG"]:
        problems.append("DEBUG must be false")
    key = settings["SECRET_KEY"]
    if key == settings["DEV_SECRET_KEY"] or len(key) < 50:
        problems.append("SECRET_KEY must be set to a random value of at least 50 characters")
    if settings["TEST_IDP_ENABLED"]:
        problems.append(
            "TEST_IDP_ENABLED must be false (the test identity provider is for development)"
        )
    if settings["ALLOW_SYNTHETIC_FNR"]:
        problems.append("ALLOW_SYNTHETIC_FNR must be false")
    if settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3":
        problems.append("DATABASE_URL must point to PostgreSQL")
    if not settings["ALLOWED_HOSTS"]:
        problems.append("ALLOWED_HOSTS must be set")
    if "/testidp/" in settings["OIDC_DISCOVERY_URL"]:
        problems.append("OIDC_DISCOVERY_URL must point to ID-porten")
    if not settings.get("EMAIL_HOST"):
        problems.append("EMAIL_HOST must be set (confirmations are sent by e-mail)")
    if settings.get("DEFAULT_FROM_EMAIL") in ("", settings.get("DEV_FROM_EMAIL")):
        problems.append("DEFAULT_FROM_EMAIL must be set")
    if settings.get("SMS_BACKEND") != "http" or not settings.get("SMS_GATEWAY_URL"):
        problems.append("SMS_BACKEND must be http, with SMS_GATEWAY_URL (the fake prints numbers)")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production mode: " + "; ".join(problems))
