"""Typed reading of environment variables.

A string like "False" is true in Python; every boolean goes through `env_bool` so that
DEBUG=False really means false (STYLE.md, "What to avoid").
"""

import os

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


# The environments the settings know. Anything else is a mistake (a typing error, "prod",
# "Production", a trailing space) and would otherwise mean development: DEBUG on, the test
# identity provider on, no production refusals. Fail closed instead.
ENVIRONMENTS = ("development", "test", "production")


class ImproperlyConfiguredEnv(Exception):
    pass


def env_environment(name: str) -> str:
    """The environment the process runs in, exactly as written; no default.

    `make run` and `make test` (and pytest, through its configuration) set it; everything else
    (a server, a cron job, a shell) must say which environment it is.
    """
    raw = os.environ.get(name)
    allowed = ", ".join(ENVIRONMENTS)
    if raw is None or raw == "":
        raise ImproperlyConfiguredEnv(
            f"{name} is not set: it must be one of {allowed} "
            f"(`make run` and `make test` set it themselves)"
        )
    if raw not in ENVIRONMENTS:
        raise ImproperlyConfiguredEnv(
            f"{name} must be exactly one of {allowed} (lower case, nothing around it), not {raw!r}"
        )
    return raw


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfiguredEnv(
        f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}"
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfiguredEnv(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
