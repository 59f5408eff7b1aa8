"""The database session store, which writes into each session when it was saved (S5 idle
timeout).

Django's `SESSION_SAVE_EVERY_REQUEST` writes the session row on every request, only to push
its expiry forward: six UPDATEs, each its own committed transaction, per self-registration.
Instead the session is saved when it changes, and otherwise only when its last save is more
than SESSION_TOUCH_INTERVAL_SECONDS ago (core.middleware.SessionLifetimeMiddleware). An
active user keeps the session alive exactly as before; the idle timeout is SESSION_COOKIE_AGE
counted from at most one touch interval before the last request, so it never becomes longer
than SESSION_COOKIE_AGE.

The time of the save goes into the session's data through `create_model_instance`, the hook
Django documents for extending the database store ("Extending database-backed session
engines"); the expiry Django computes at that save is that time plus SESSION_COOKIE_AGE.
"""

import datetime
import time
from dataclasses import dataclass

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session

SAVED_AT_KEY = "_saved_at"  # seconds since the epoch


class SessionStore(DatabaseSessionStore):
    def create_model_instance(self, data):
        return super().create_model_instance({**data, SAVED_AT_KEY: time.time()})


def needs_touch(session, *, now: float, interval: int) -> bool:
    """True when a loaded, unmodified session was last saved more than `interval` seconds
    before `now` (or was saved without a time). A session that was never read, is new or is
    empty is left alone (Django saves a modified one anyway)."""
    if not session.accessed or session.modified or session.is_empty():
        return False
    saved_at = session.get(SAVED_AT_KEY)
    return not isinstance(saved_at, (int, float)) or now - saved_at > interval


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
