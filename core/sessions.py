"""The database session store, which remembers the expiry it read (S5 idle timeout, issue 5).

Django's `SESSION_SAVE_EVERY_REQUEST` writes the session row on every request, only to push
its expiry forward: six UPDATEs, each its own committed transaction, per self-registration
(B1 profile). Instead the session is saved when it changes, and otherwise only when the
expiry it was read with is more than SESSION_TOUCH_INTERVAL_SECONDS behind a fresh one
(core.middleware.SessionLifetimeMiddleware). An active user keeps the session alive
exactly as before; the idle timeout is SESSION_COOKIE_AGE counted from at most one touch
interval before the last request, so it never becomes longer than SESSION_COOKIE_AGE.
"""

import datetime
from dataclasses import dataclass

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session


class SessionStore(DatabaseSessionStore):
    stored_expiry: datetime.datetime | None = None

    def _get_session_from_db(self):
        stored = super()._get_session_from_db()
        self.stored_expiry = stored.expire_date if stored is not None else None
        return stored


def needs_touch(session, *, now: datetime.datetime, age: int, interval: int) -> bool:
    """True when a loaded, unmodified session's stored expiry lags a fresh one (now + age) by
    more than `interval` seconds. A session that was never read, is new or is empty is left
    alone (Django saves a modified one anyway)."""
    stored = getattr(session, "stored_expiry", None)
    if not session.accessed or session.modified or stored is None or session.is_empty():
        return False
    return stored < now + datetime.timedelta(seconds=age - interval)


@dataclass(frozen=True)
class LoginKind:
    """One kind of login a session can hold (a citizen's, a staff member's): the session key
    that is set while the login holds, and the key with the time it began (seconds since the
    epoch). Registered by the app that owns the login, so this module names none of them."""

    name: str
    logged_in_key: str
    login_at_key: str


_LOGIN_KINDS: dict[str, LoginKind] = {}


def login_kind_register(*, name: str, logged_in_key: str, login_at_key: str) -> None:
    """Called from an app's ready(); S5's absolute limit then applies to that login."""
    _LOGIN_KINDS[name] = LoginKind(name, logged_in_key, login_at_key)


def login_kinds() -> tuple[LoginKind, ...]:
    return tuple(_LOGIN_KINDS.values())


def expired_sessions_delete(*, before: datetime.datetime, dry_run: bool = False) -> int:
    """Session rows that expired before `before` (S11): a citizen's row holds the
    fødselsnummer, and an expired one is of no use to anyone."""
    expired = Session.objects.filter(expire_date__lt=before)
    return expired.count() if dry_run else expired.delete()[0]
