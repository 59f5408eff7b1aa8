"""/api/v1/close-contacts: read one close contact, through tracing.access (B-1, B-4)."""

from django.http import HttpRequest
from ninja import Path, Router

from accounts.models import AccessAction
from api.auth import principal
from api.indexes import MAX_ID, NOT_FOUND
from api.schemas import CloseContactOut
from tracing.access import close_contact_get_for_user

router = Router(tags=["nærkontakter"])


@router.get(
    "/{close_contact_id}",
    response={200: CloseContactOut, **NOT_FOUND},
    summary="Les en nærkontakt",
)
def close_contact_read_view(
    request: HttpRequest, close_contact_id: int = Path(..., ge=1, le=MAX_ID)
):
    return close_contact_get_for_user(
        user=principal(request), close_contact_id=close_contact_id, action=AccessAction.VIEW
    )
