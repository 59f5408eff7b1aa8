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
    if problems:
        raise ImproperlyConfigured("Refusing to start in production mode: " + "; ".join(problems))
