"""«Hvem har sett opplysningene mine» (innsyn, B-4): who among the staff, or which integration,
has read a person's records, from the access log.

For the citizen themself or a child they may register for (C-4, the caller's check). Each look
is itself written to the log, as an entry of its own kind, before anything is shown; if that
cannot be written, nothing is shown.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from accounts.models import AccessLogEntry, ObjectType
from accounts.selectors import access_log_reads_of
from accounts.services import access_log_write_citizen_view
from core.localtime import local_timestamp

PAGE_SIZE = 50


@dataclass(frozen=True)
class Reading:
    """One read as the citizen sees it: nothing of the record or of any other person."""

    at: str
    municipality: str
    who: str
    role: str
    what: str


def _what(entry: AccessLogEntry) -> str:
    return f"{entry.get_action_display()} ({ObjectType(entry.object_type).label.lower()})"


def reading_of(entry: AccessLogEntry) -> Reading:
    """An integration is named by its API token's name; a staff member by their full name (the
    username if none is kept) and role."""
    user = entry.user
    token = getattr(user, "api_token", None)
    if token is not None:
        who, role = token.label, _("Integrasjon")
    else:
        who, role = user.get_full_name() or user.get_username(), entry.get_role_display()
    return Reading(
        at=local_timestamp(entry.at),
        municipality=entry.municipality.name if entry.municipality else "",
        who=who,
        role=role,
        what=_what(entry),
    )


def innsyn_page(
    *, citizen_pid: str, person_fnr: str, page: str | int | None, now: datetime.datetime
) -> Page:
    """Log the citizen's look at `person_fnr`'s reads, then the page of them asked for (the
    last page for a number past it), newest first, as Readings."""
    access_log_write_citizen_view(citizen_fnr=citizen_pid, person_fnr=person_fnr, now=now)
    found = Paginator(access_log_reads_of(person_fnrs=[person_fnr]), PAGE_SIZE).get_page(page)
    found.object_list = [reading_of(entry) for entry in found.object_list]
    return found
