"""/api/v1/indexes: list, read, register, close, reopen, add a note.

Every object is reached through tracing.access with the token's service user, so another
municipality's index answers 404 and writes a denied access-log entry, exactly as the pages do
(B-1, B-4). Writes go through tracing.services: registering uses index_register, the one import
service, so the duplicate rules are those of the portal and the tracers (section 5).
"""

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Path, Query, Router, Status

from accounts.models import AccessAction
from api.auth import principal, token
from api.schemas import (
    AlreadyRegisteredOut,
    CloseContactOut,
    ErrorOut,
    IndexCreateIn,
    IndexOut,
    IndexPageOut,
    NoteIn,
    NoteOut,
    RegistrationOut,
)
from core.localtime import local_today
from tracing.access import (
    MAX_ID,
    close_contacts_log,
    index_get_for_user,
    index_log_for_user,
    indexes_log,
)
from tracing.models import Index, RegisteredByKind
from tracing.selectors import index_list
from tracing.services import (
    RegisteredBy,
    index_close,
    index_register,
    index_reopen,
    note_add,
)

# Ids are bigints (tracing.access.MAX_ID): anything larger is refused by validation (422).
MAX_PAGE_SIZE = 200

router = Router(tags=["indekser"])

NOT_FOUND = {404: ErrorOut}
REFUSED = {409: AlreadyRegisteredOut}


@router.get("", response=IndexPageOut, summary="Indekser i kommunen")
def index_list_view(
    request: HttpRequest,
    status: Index.Status | None = None,
    self_registered: bool | None = None,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
):
    """The token's municipality's indexes, newest first, filtered by status and by
    self-registration. Each index shown is written to the access log (B-4)."""
    indexes = index_list(
        municipality_numbers=[token(request).municipality_id],
        status=status.value if status else "",
        self_registered=self_registered,
    )
    start = (page - 1) * page_size
    items = list(indexes[start : start + page_size])
    indexes_log(user=principal(request), indexes=items, action=AccessAction.LIST)
    return {"count": indexes.count(), "page": page, "page_size": page_size, "items": items}


@router.post(
    "",
    response={200: RegistrationOut, 201: RegistrationOut, **REFUSED},
    summary="Registrer en indeks",
)
def index_create_view(request: HttpRequest, payload: IndexCreateIn):
    """Register an index in the token's municipality under the duplicate rules (section 5),
    as the portal and the tracers do. 201 with the rule that decided; 409 "allerede
    registrert" with the rule when the person is already under follow-up (D-1a, D-2a); 200
    for a repeated `submission_id`."""
    result = index_register(
        registration=payload.registration(today=local_today()),
        municipality_number=token(request).municipality_id,
        registered_by=RegisteredBy(kind=RegisteredByKind.API, user=principal(request)),
        self_registered=False,
        submission_id=payload.submission_id,
    )
    index_log_for_user(user=principal(request), index=result.index, action=AccessAction.REGISTER)
    message = (
        gettext("Registreringen var allerede mottatt.")
        if result.repeated_submission
        else gettext("Indeksen er registrert (regel %(rule)s).") % {"rule": result.rule}
    )
    body = {
        "rule": result.rule,
        "repeated_submission": result.repeated_submission,
        "message": message,
        "index": result.index,
    }
    return Status(200 if result.repeated_submission else 201, body)


@router.get("/{index_id}", response={200: IndexOut, **NOT_FOUND}, summary="Les en indeks")
def index_read_view(request: HttpRequest, index_id: int = Path(..., ge=1, le=MAX_ID)):
    """The index with its person and notes (newest first)."""
    return index_get_for_user(user=principal(request), index_id=index_id, action=AccessAction.VIEW)


@router.get(
    "/{index_id}/close-contacts",
    response={200: list[CloseContactOut], **NOT_FOUND},
    summary="Nærkontakter til en indeks",
)
def index_close_contacts_view(request: HttpRequest, index_id: int = Path(..., ge=1, le=MAX_ID)):
    user = principal(request)
    index = index_get_for_user(user=user, index_id=index_id, action=AccessAction.VIEW)
    contacts = list(index.close_contacts.select_related("person").order_by("registered_at", "pk"))
    # B-4: the contacts' records are read too, as on the index page.
    close_contacts_log(user=user, index=index, contacts=contacts, action=AccessAction.VIEW)
    return contacts


@router.post(
    "/{index_id}/close",
    response={200: IndexOut, **NOT_FOUND, 409: ErrorOut},
    summary="Avslutt en indeks",
)
def index_close_view(request: HttpRequest, index_id: int = Path(..., ge=1, le=MAX_ID)):
    index = index_get_for_user(
        user=principal(request), index_id=index_id, action=AccessAction.CLOSE
    )
    return index_close(index=index)


@router.post(
    "/{index_id}/reopen",
    response={200: IndexOut, **NOT_FOUND, **REFUSED},
    summary="Gjenåpne en indeks",
)
def index_reopen_view(request: HttpRequest, index_id: int = Path(..., ge=1, le=MAX_ID)):
    """409 "allerede registrert" (D-3) if the person has another active index."""
    index = index_get_for_user(
        user=principal(request), index_id=index_id, action=AccessAction.REOPEN
    )
    return index_reopen(index=index)


@router.post(
    "/{index_id}/notes",
    response={201: NoteOut, **NOT_FOUND},
    summary="Skriv et notat",
)
def note_add_view(
    request: HttpRequest, payload: NoteIn, index_id: int = Path(..., ge=1, le=MAX_ID)
):
    """Notes are only ever added (B-3); the author is the integration's name."""
    index = index_get_for_user(
        user=principal(request), index_id=index_id, action=AccessAction.NOTE_ADD
    )
    note = note_add(
        index=index,
        title=payload.title,
        text=payload.text,
        user=principal(request),
        author_label=f"Integrasjon: {token(request).label}",
    )
    return Status(201, note)
