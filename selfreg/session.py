"""The citizen's login state in the server-side session.

The citizen is not a Django user: the session holds the `pid` (fødselsnummer) that ID-porten
vouched for, and when that login happened.
"""

import time

from django.contrib.sessions.backends.base import SessionBase

PID_KEY = "citizen_pid"
LOGIN_AT_KEY = "citizen_login_at"
ID_TOKEN_KEY = "citizen_id_token"  # noqa: S105  (a session key name, kept for end-session)


def citizen_login(session: SessionBase, *, pid: str, id_token: str = "") -> None:
    """Start the citizen's session: a new, empty session with a new id.

    Emptied, not only given a new id: a login in another tab of the same browser must not
    inherit what the session held before (another citizen's chosen person and receipt, or a
    staff login on a shared computer). A planted session id is worthless as well.
    """
    session.flush()
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
