"""Settings for smittesporing, read from the environment.

DJANGO_ENV is exactly one of development, test, production, and has no default (`make run` and
`make test` set it). Production refuses to start with insecure settings
(see `core/production_checks.py`). Every variable is documented in the README.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from core.env import ImproperlyConfiguredEnv, env_bool, env_environment, env_int, env_list, env_str
from core.production_checks import refuse_insecure_production_settings

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_environment("DJANGO_ENV")
PRODUCTION = DJANGO_ENV == "production"

DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The public base URL of this site, used to build OIDC redirect URIs and the test identity
# provider's issuer.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",  # its system checks refuse a policy in django-csp's old format
    "core",  # what every app uses: error pages, headers, sessions, rate limits (no models)
    "municipalities",
    "registers",
    "outbox",  # e-mail and SMS sent after commit by `manage.py send_outbox`
    "tracing",
    "selfreg",
    "accounts",
    "administration",
    "api",
    "testidp",
    "demo",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",  # outermost: every log line of a request has its id
    "core.metrics.MetricsMiddleware",  # counts and times every response, error pages too
    "django.middleware.security.SecurityMiddleware",
    # Outside the rest, so that error pages for a failing middleware get the headers too (S6).
    "csp.middleware.CSPMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    # Overload: a request nginx sent too long ago is refused (503) before any real work.
    "core.shedding.QueueTimeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SessionLifetimeMiddleware",  # S5: absolute limit of a login
    "core.i18n.LanguageChoiceMiddleware",  # ?lang=nb|nn|en, before LocaleMiddleware reads it
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "smittesporing.urls"
WSGI_APPLICATION = "smittesporing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Django's widget templates written in Python, byte for byte the same markup (ADR 0007).
FORM_RENDERER = "core.form_renderer.WidgetRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock instead of failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Separates installations (or test clusters) that share one Redis database.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", ""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Rate limits (S9): "requests/seconds" per window, counted in the cache above (README) ---
RATE_LIMIT_ENABLED = env_bool("RATE_LIMIT_ENABLED", True)
RATE_LIMITS = {
    # GET /innlogget/logg-inn/ per client address
    "citizen_login_client": env_str("RATE_LIMIT_CITIZEN_LOGIN_CLIENT", "60/600"),
    # POST of the self-registration form, per client address and per logged-in citizen
    "selfreg_submit_client": env_str("RATE_LIMIT_SELFREG_SUBMIT_CLIENT", "60/600"),
    "selfreg_submit_person": env_str("RATE_LIMIT_SELFREG_SUBMIT_PERSON", "20/3600"),
    # POST of the staff login, per client address and per username tried
    "staff_login_client": env_str("RATE_LIMIT_STAFF_LOGIN_CLIENT", "30/600"),
    "staff_login_username": env_str("RATE_LIMIT_STAFF_LOGIN_USERNAME", "10/600"),
}
# Behind a reverse proxy every request comes from the proxy's address: name the header the
# proxy sets to the real client address (e.g. HTTP_X_REAL_IP). Only a header the proxy always
# overwrites: a client can send any header it likes.
RATE_LIMIT_CLIENT_IP_HEADER = env_str("RATE_LIMIT_CLIENT_IP_HEADER", "")

# --- Retention (S11): `manage.py retention`, nightly; see tracing/retention_rules.py ---
# Days after an index is closed before it, its notes and close contacts are deleted.
RETENTION_CLOSED_INDEX_DAYS = env_int("RETENTION_CLOSED_INDEX_DAYS", 180)
# Days an access-log entry is kept (B-4); longer than the data it is about.
RETENTION_ACCESS_LOG_DAYS = env_int("RETENTION_ACCESS_LOG_DAYS", 730)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions live in the database so that any app process can serve any request.
SESSION_ENGINE = "core.sessions"  # Django's db store; each save records its time (S5)
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_SECONDS
# Activity pushes the idle expiry forward, writing the session row at most once per interval
# when nothing else changed (core.sessions; SESSION_SAVE_EVERY_REQUEST would write on every
# request).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_INTERVAL_SECONDS = 60
# S5: a login ends this long after it began, however active (core.middleware).
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env_int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", 120 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"  # a Norwegian page (R3)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# S6: sent on every response by django-csp's middleware (docs/adr/0008-libraries.md). No inline
# script or style anywhere, so no nonce; the API's Swagger page is off for the same reason.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Bokmål is the source language of every text; nynorsk and English are translations in
# locale/ (README, "Languages"). Each name is written in its own language, as the switch shows it.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The choice lasts for the browser session (core.i18n), like the login.
LANGUAGE_COOKIE_AGE = None
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic writes here and nginx serves it (deploy/nginx/smittesporing.conf).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGIN_URL = "/smittesporing/logg-inn/"

# --- Citizen login: OpenID Connect (ID-porten in production, the bundled test IdP elsewhere) ---
TEST_IDP_ENABLED = env_bool("TEST_IDP_ENABLED", not PRODUCTION)
OIDC_DISCOVERY_URL = env_str(
    "OIDC_DISCOVERY_URL", f"{SITE_URL}/testidp/.well-known/openid-configuration"
)
# The test identity provider's client; production refuses them (core/production_checks.py).
DEV_OIDC_CLIENT_ID = "smittesporing-dev"
DEV_OIDC_CLIENT_SECRET = "dev-client-secret"  # noqa: S105
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID", DEV_OIDC_CLIENT_ID)
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", DEV_OIDC_CLIENT_SECRET)
OIDC_ACR_VALUES = "idporten-loa-high"
OIDC_HTTP_TIMEOUT_SECONDS = env_int("OIDC_HTTP_TIMEOUT_SECONDS", 5)
# Skatteetaten's synthetic test persons (month + 80) are accepted outside production only (C-1).
ALLOW_SYNTHETIC_FNR = env_bool("ALLOW_SYNTHETIC_FNR", not PRODUCTION)

# --- Registers (Folkeregisteret, KRR) ---
REGISTER_BACKEND = env_str("REGISTER_BACKEND", "synthetic")  # "synthetic" or "http"
FOLKEREGISTER_URL = env_str("FOLKEREGISTER_URL", "")
KRR_URL = env_str("KRR_URL", "")
REGISTER_TIMEOUT_SECONDS = float(env_str("REGISTER_TIMEOUT_SECONDS", "5"))

# --- Keys for Digdir: Maskinporten tokens for the HTTP registers (registers/maskinporten.py)
# and ID-porten's private_key_jwt (registers/idporten.py); README, "Maskinporten and ID-porten" ---
# The client registered with Digdir (Samarbeidsportalen) and the key id of its public key.
MASKINPORTEN_CLIENT_ID = env_str("MASKINPORTEN_CLIENT_ID", "")
MASKINPORTEN_KID = env_str("MASKINPORTEN_KID", "")
# The private RSA key (PEM or JWK) that signs the grants: a file (preferred: kept out of the
# process environment) or the value itself. Exactly one of the two.
MASKINPORTEN_KEY_FILE = env_str("MASKINPORTEN_KEY_FILE", "")
MASKINPORTEN_KEY = env_str("MASKINPORTEN_KEY", "")
# The grant's audience is Maskinporten's issuer: https://test.maskinporten.no/ in Digdir's test
# environment, https://maskinporten.no/ in production; the token endpoint is {issuer}token.
# No default: which Maskinporten is always said out loud.
MASKINPORTEN_AUDIENCE = env_str("MASKINPORTEN_AUDIENCE", "")
MASKINPORTEN_TOKEN_URL = env_str("MASKINPORTEN_TOKEN_URL", "")
MASKINPORTEN_TIMEOUT_SECONDS = float(env_str("MASKINPORTEN_TIMEOUT_SECONDS", "5"))
# One scope per register API, as granted to our client.
FOLKEREGISTER_SCOPE = env_str("FOLKEREGISTER_SCOPE", "folkeregister:deling/offentligmedhjemmel")
KRR_SCOPE = env_str("KRR_SCOPE", "krr:global/kontaktinformasjon.read")
# ID-porten client authentication at the token endpoint: "client_secret_basic" (with
# OIDC_CLIENT_SECRET) or "private_key_jwt", which Digdir recommends: an assertion signed with
# the key below, whose public half (and kid) is registered with the ID-porten client.
OIDC_CLIENT_AUTH_METHOD = env_str("OIDC_CLIENT_AUTH_METHOD", "client_secret_basic")
OIDC_CLIENT_KID = env_str("OIDC_CLIENT_KID", "")
OIDC_CLIENT_KEY_FILE = env_str("OIDC_CLIENT_KEY_FILE", "")
OIDC_CLIENT_KEY = env_str("OIDC_CLIENT_KEY", "")

# --- Operations: probes, request ids, JSON logs, metrics (README "Operations", ADR 0011) ---
# /healthz and /readyz; /readyz gives the database and Redis this long each to answer.
HEALTH_CHECK_TIMEOUT_SECONDS = float(env_str("HEALTH_CHECK_TIMEOUT_SECONDS", "2"))
# A PostgreSQL server that does not answer fails a request (503) after this, not never.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DB_CONNECT_TIMEOUT_SECONDS", 5)
    )
# Overload (core.shedding): a request that waited longer than this between nginx and the app
# (X-Request-Start) is refused with 503 and Retry-After; 0 switches the check off.
QUEUE_TIMEOUT_SECONDS = float(env_str("QUEUE_TIMEOUT_SECONDS", "2"))
OVERLOAD_RETRY_AFTER_SECONDS = env_int("OVERLOAD_RETRY_AFTER_SECONDS", 120)
# Views served however long they waited: the receipt comes after an accepted registration.
QUEUE_TIMEOUT_EXEMPT = ["selfreg:receipt", "selfreg:receipt_reference", "selfreg:receipt_link"]
# Where a citizen begins: past capacity these (GET) are refused first, at a shorter wait, so
# that those already in the flow finish.
QUEUE_TIMEOUT_ENTRY = ["selfreg:start", "selfreg:login"]
QUEUE_TIMEOUT_ENTRY_SECONDS = float(env_str("QUEUE_TIMEOUT_ENTRY_SECONDS", "1"))
# Probes and the scraper talk to gunicorn directly over plain HTTP, inside the host or network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# /metrics answers only connections from these addresses or networks (comma-separated, e.g.
# "127.0.0.1,10.0.5.0/24"), and never a request forwarded by the public proxy. gunicorn's
# workers share their counts through PROMETHEUS_MULTIPROC_DIR (deploy/gunicorn.conf.py).
METRICS_ALLOWED_ADDRESSES = env_list("METRICS_ALLOWED_ADDRESSES", ["127.0.0.1", "::1"])
# "json": one JSON object a line with the request id (and an error page's reference), for the
# log collector; "plain" for a person reading a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfiguredEnv(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")

# --- Confirmations to the citizen: e-mail and SMS, queued in the outbox, sent by send_outbox ---
# Django's SMTP backend whenever EMAIL_HOST is set; without it (development) the worker writes
# each e-mail to its standard output. Production refuses to start without EMAIL_HOST.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEV_FROM_EMAIL = "ikke-svar@smittesporing.invalid"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", DEV_FROM_EMAIL)
SMS_BACKEND = env_str("SMS_BACKEND", "fake")  # "fake" (standard output) or "http"
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN", "")
SMS_SENDER = env_str("SMS_SENDER", "Kommunen")
SMS_TIMEOUT_SECONDS = float(env_str("SMS_TIMEOUT_SECONDS", "10"))
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 12)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 30)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 3600)
# A message "sending" for longer than this belongs to a worker that stopped; never resent.
OUTBOX_CLAIM_TIMEOUT_SECONDS = env_int("OUTBOX_CLAIM_TIMEOUT_SECONDS", 600)
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.logfilters.JsonLines"},
    },
    # R3: an unhandled exception is logged with its type, frames and the error page's reference
    # number, never its message (a database error's message can quote a fødselsnummer).
    "filters": {
        "exception_without_message": {"()": "core.logfilters.ExceptionWithoutMessage"},
        "request_context": {"()": "core.logfilters.RequestContext"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["exception_without_message", "request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # urllib3 logs every request URL at DEBUG, and Folkeregisteret's URL holds the
    # fødselsnummer: never log it, whatever LOG_LEVEL says.
    "loggers": {
        "urllib3": {"level": "WARNING"},
        # Authlib logs the PKCE code_verifier at DEBUG: a secret of the login in progress.
        "authlib": {"level": "INFO"},
        # The same filter on the loggers that log exceptions (seen also by pytest's caplog):
        # a failed session save is a SessionInterrupted with the database error inside.
        "django.request": {"filters": ["exception_without_message"]},
        "django.security.SessionInterrupted": {"filters": ["exception_without_message"]},
    },
}

refuse_insecure_production_settings(globals())
