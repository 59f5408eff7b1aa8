"""The database session store, which remembers the expiry it read (S5 idle timeout, issue 5).

Django's `SESSION_SAVE_EVERY_REQUEST` writes the session row on every request, only to push
its expiry forward: six UPDATEs, each its own committed transaction, per self-registration
(B1 profile). Instead the session is saved when it changes, and otherwise only when the
expiry it was read with is more than SESSION_TOUCH_INTERVAL_SECONDS behind a fresh one
(smittesporing.middleware.SessionLifetimeMiddleware). An active user keeps the session alive
exactly as before; the idle timeout is SESSION_COOKIE_AGE counted from at most one touch
interval before the last request, so it never becomes longer than SESSION_COOKIE_AGE.
"""

import datetime

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


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
