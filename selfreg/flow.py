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


@dataclass(frozen=True)
class Flow:
    municipality_number: str
    choice: str  # "self" or a child's opaque token (selfreg.selectors.Subject.choice)
    submission_id: uuid.UUID
    registered: bool = False


def flow_begin(session: SessionBase, *, municipality_number: str, choice: str) -> Flow:
    """A new form for this municipality and person, with a fresh submission id."""
    flow = Flow(municipality_number=municipality_number, choice=choice, submission_id=uuid.uuid4())
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


def flow_mark_registered(session: SessionBase, *, receipt: dict[str, str]) -> None:
    """Keep the flow (a repeated submission must find the same submission id) and the receipt."""
    data = dict(session.get(FLOW_KEY) or {})
    data["registered"] = True
    session[FLOW_KEY] = data
    session[RECEIPT_KEY] = receipt


def receipt_get(session: SessionBase) -> dict[str, str] | None:
    receipt = session.get(RECEIPT_KEY)
    return receipt if isinstance(receipt, dict) else None
