"""Where the citizen is in the flow, kept in the server-side session.

The chosen municipality and person are never taken from the form that is posted: hidden
fields can be changed by anyone (C-4). The submission id issued with the form makes a repeated
submission register once (C-8).
"""

import uuid
from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase

FLOW_KEY = "selfreg_flow"
RECEIPT_KEY = "selfreg_receipt"
# The references registered in this session, newest last: the receipt of each stays reachable.
REGISTERED_KEY = "selfreg_registered"
REGISTERED_KEPT = 20


@dataclass(frozen=True)
class Flow:
    municipality_number: str
    choice: str  # "self" or a child's opaque token (selfreg.selectors.Subject.choice)
    submission_id: uuid.UUID
    registered: bool = False


def flow_begin(
    session: SessionBase,
    *,
    municipality_number: str,
    choice: str,
    submission_id: uuid.UUID | None = None,
) -> Flow:
    """A new form for this municipality and person, with a fresh submission id (or the one of
    a form sent after the login ran out, so that it still registers once)."""
    flow = Flow(
        municipality_number=municipality_number,
        choice=choice,
        submission_id=submission_id or uuid.uuid4(),
    )
    session[FLOW_KEY] = {
        "municipality_number": flow.municipality_number,
        "choice": flow.choice,
        "submission_id": str(flow.submission_id),
        "registered": False,
    }
    session.pop(RECEIPT_KEY, None)
    return flow


def flow_get(session: SessionBase) -> Flow | None:
    data = session.get(FLOW_KEY)
    if not isinstance(data, dict):
        return None
    try:
        return Flow(
            municipality_number=str(data["municipality_number"]),
            choice=str(data["choice"]),
            submission_id=uuid.UUID(str(data["submission_id"])),
            registered=bool(data.get("registered", False)),
        )
    except (KeyError, ValueError):
        return None


def flow_mark_registered(session: SessionBase, *, reference: str) -> None:
    """Keep the flow (a repeated submission must find the same submission id) and the reference
    of its receipt."""
    data = dict(session.get(FLOW_KEY) or {})
    data["registered"] = True
    session[FLOW_KEY] = data
    session[RECEIPT_KEY] = reference
    registered = [r for r in registered_references(session) if r != reference]
    session[REGISTERED_KEY] = [*registered, reference][-REGISTERED_KEPT:]


def receipt_get(session: SessionBase) -> str | None:
    """The reference of the registration this session's flow made last."""
    reference = session.get(RECEIPT_KEY)
    return reference if isinstance(reference, str) else None


def registered_references(session: SessionBase) -> list[str]:
    """The references registered in this session, newest last. Only a convenience: whether a
    receipt may be shown is decided from the login and the register, never from this list."""
    found = session.get(REGISTERED_KEY)
    return [r for r in found if isinstance(r, str)] if isinstance(found, list) else []


# Which of phone and e-mail KRR filled in when the form was first shown: only those fields say
# where their value came from, on every later showing of the same form too. Carried by the form
# itself (a hidden field per name), not the session: it decides a help text and nothing else, and
# a session write on every showing of the form is a cost on the peak day's hottest path.
KRR_FILLED_FIELD = "krr_fylt"


def krr_filled(data, *, fields) -> frozenset[str]:
    """The names among `fields` that a posted form says KRR filled."""
    return frozenset(name for name in data.getlist(KRR_FILLED_FIELD) if name in fields)
