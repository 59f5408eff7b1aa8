"""Checks of the Digdir settings (Maskinporten, ID-porten's client key): fail closed.

Each problem is one line naming the variable. They are Django system checks (Tags.security),
so `manage.py check`, runserver and migrate refuse them everywhere; in production the app
refuses to start on them too (RegistersConfig.ready), since gunicorn runs no system checks.
A key is read once here, so a missing, public or malformed key stops the start rather than
the first citizen's login or register call.
"""

import os
import stat

from django.core import checks

from registers.idporten import CLIENT_AUTH_METHODS
from registers.signing_keys import SigningKeyError, private_key_load

_HTTP_REGISTER_SETTINGS = (
    "FOLKEREGISTER_URL",
    "KRR_URL",
    "FOLKEREGISTER_SCOPE",
    "KRR_SCOPE",
    "MASKINPORTEN_CLIENT_ID",
    "MASKINPORTEN_AUDIENCE",
    "MASKINPORTEN_TOKEN_URL",
)
_HTTPS_IN_PRODUCTION = (
    "FOLKEREGISTER_URL",
    "KRR_URL",
    "MASKINPORTEN_AUDIENCE",
    "MASKINPORTEN_TOKEN_URL",
)


def digdir_settings_problems(settings) -> list[str]:
    problems: list[str] = []
    if settings.REGISTER_BACKEND == "http":
        problems += _maskinporten_problems(settings)
    method = settings.OIDC_CLIENT_AUTH_METHOD
    if method not in CLIENT_AUTH_METHODS:
        problems.append(
            f"OIDC_CLIENT_AUTH_METHOD must be one of {', '.join(CLIENT_AUTH_METHODS)}, not {method!r}"
        )
    elif method == "private_key_jwt":
        problems += _key_problems(settings, "OIDC_CLIENT")
    return problems


def _maskinporten_problems(settings) -> list[str]:
    problems = [
        f"{name} must be set when REGISTER_BACKEND=http"
        for name in _HTTP_REGISTER_SETTINGS
        if not getattr(settings, name).strip()
    ]
    if settings.PRODUCTION:
        problems += [
            f"{name} must be an https:// URL"
            for name in _HTTPS_IN_PRODUCTION
            if getattr(settings, name) and not getattr(settings, name).startswith("https://")
        ]
    audience, token_url = settings.MASKINPORTEN_AUDIENCE, settings.MASKINPORTEN_TOKEN_URL
    if audience and token_url and not token_url.startswith(audience):
        # Test audience with the production endpoint, or the other way round: always refused.
        problems.append(
            "MASKINPORTEN_TOKEN_URL must be the token endpoint of the MASKINPORTEN_AUDIENCE issuer"
        )
    return problems + _key_problems(settings, "MASKINPORTEN")


def _key_problems(settings, prefix: str) -> list[str]:
    value = getattr(settings, f"{prefix}_KEY")
    path = getattr(settings, f"{prefix}_KEY_FILE")
    kid = getattr(settings, f"{prefix}_KID")
    names = f"{prefix}_KEY_FILE/{prefix}_KEY/{prefix}_KID"
    try:
        private_key_load(pem_or_jwk=value, path=path, kid=kid)
    except SigningKeyError as exc:
        return [f"{names}: {exc}"]
    if settings.PRODUCTION and path and os.stat(path).st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return [f"{prefix}_KEY_FILE must be readable by its owner only (chmod 600)"]
    return []


@checks.register(checks.Tags.security)
def digdir_settings_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    from django.conf import settings

    return [
        checks.Error(problem, id="registers.E001") for problem in digdir_settings_problems(settings)
    ]
