"""A form sent after the login ran out, kept on the server for the same citizen's next login.

When a citizen's session ends (30 minutes idle, or 120 minutes after the login, S5) while the
form is open, pressing «Send inn» reaches the server without a login. What they typed is kept
in the new, anonymous session (the database, never the browser) while they log in again;
afterwards the form opens with their answers for them to check and send.

The form carries a signed token («fortsett») naming the municipality, the person chosen and
the submission id. It is signed with the citizen's fødselsnummer in the salt, so only the same
citizen's next login can use it: someone else logging in on the same computer gets an empty
form, and the kept answers are dropped. The token holds no fødselsnummer and no answer; the
submission id makes a form that did reach the register before the login ran out register
once (C-8).
"""

import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.http import QueryDict

from selfreg.flow import Flow

RESUME_KEY = "selfreg_resume"
RESUME_FIELD = "fortsett"
_SALT = "selfreg.resume"
# What a posted form holds besides the answers: never kept.
_NOT_KEPT = {"csrfmiddlewaretoken", RESUME_FIELD}


def _signer(pid: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"{_SALT}:{pid}")


def resume_token(*, pid: str, flow: Flow) -> str:
    """The form's hidden «fortsett» value for this citizen and flow."""
    payload = {
        "m": flow.municipality_number,
        "c": flow.choice,
        "s": str(flow.submission_id),
    }
    return _signer(pid).sign_object(payload, compress=False)


def resume_keep(session: SessionBase, *, post: QueryDict) -> None:
    """Keep a form posted without a login, until the next login in this browser."""
    token = post.get(RESUME_FIELD, "")
    if not token:
        return
    answers = {key: post.getlist(key) for key in post if key not in _NOT_KEPT}
    session[RESUME_KEY] = {"token": token, "answers": answers, "kept_at": time.time()}


def resume_carry(session: SessionBase) -> dict | None:
    """What a new login must carry over from the session it replaces (see resume_take)."""
    kept = session.get(RESUME_KEY)
    return kept if isinstance(kept, dict) else None


@dataclass(frozen=True)
class Resumed:
    municipality_number: str
    choice: str
    submission_id: uuid.UUID
    answers: QueryDict


def resume_take(session: SessionBase, *, pid: str) -> Resumed | None:
    """The kept form, if this citizen sent it: removed from the session either way."""
    kept = session.pop(RESUME_KEY, None)
    if not isinstance(kept, dict):
        return None
    try:
        payload = _signer(pid).unsign_object(
            str(kept.get("token", "")), max_age=settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
        )
        submission_id = uuid.UUID(str(payload["s"]))
        municipality_number, choice = str(payload["m"]), str(payload["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    answers = QueryDict(mutable=True)
    for key, values in (kept.get("answers") or {}).items():
        if isinstance(values, list):
            answers.setlist(str(key), [str(v) for v in values])
    return Resumed(municipality_number, choice, submission_id, answers)
