"""The citizen's login state in the server-side session.

The citizen is not a Django user: the session holds the `pid` (fødselsnummer) that ID-porten
vouched for, and when that login happened.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from core.sessions import SAVED_AT_KEY
from selfreg.resume import RESUME_KEY, resume_carry

PID_KEY = "citizen_pid"
LOGIN_AT_KEY = "citizen_login_at"
ID_TOKEN_KEY = "citizen_id_token"  # noqa: S105  (a session key name, kept for end-session)


def citizen_login(session: SessionBase, *, pid: str, id_token: str = "") -> None:
    """Start the citizen's session: a new, empty session with a new id.

    Emptied, not only given a new id: a login in another tab of the same browser must not
    inherit what the session held before (another citizen's chosen person and receipt, or a
    staff login on a shared computer). A planted session id is worthless as well. Only a form
    sent after the last login ran out is carried over, and only the citizen who sent it gets
    it back (selfreg.resume).
    """
    kept = resume_carry(session)
    session.flush()
    if kept is not None:
        session[RESUME_KEY] = kept
    session[PID_KEY] = pid
    session[LOGIN_AT_KEY] = int(time.time())
    session[ID_TOKEN_KEY] = id_token


def citizen_pid(session: SessionBase) -> str | None:
    return session.get(PID_KEY)


def citizen_logout(session: SessionBase) -> str:
    """End the session on the server; returns the ID token for the provider's end-session call."""
    id_token = session.get(ID_TOKEN_KEY, "")
    session.flush()
    return id_token


@dataclass(frozen=True)
class LoginTimeLeft:
    seconds: int
    # True when the idle timeout ends the login first: activity (or «Forleng økten») moves it.
    # False when the absolute limit (S5) comes first, which nothing moves.
    extendable: bool


def login_time_left(session: SessionBase, *, now: float) -> LoginTimeLeft:
    """How long the citizen's login lasts from `now` without further activity. Counted from the
    session's last save, which is never later than its real expiry's start, so the estimate
    errs on the early side."""
    saved_at = session.get(SAVED_AT_KEY)
    idle = settings.SESSION_COOKIE_AGE
    if isinstance(saved_at, int | float) and not session.modified:
        idle -= max(0.0, now - saved_at)
    login_at = session.get(LOGIN_AT_KEY)
    absolute = (
        login_at + settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS - now
        if isinstance(login_at, int | float)
        else 0
    )
    return LoginTimeLeft(seconds=max(0, int(min(idle, absolute))), extendable=idle <= absolute)
