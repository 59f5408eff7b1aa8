"""A person record and a close contact, each reached only through tracing.access (B-1, B-4)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import staff_required
from accounts.models import AccessAction
from tracing.access import close_contact_get_for_user, person_get_for_user
from tracing.views.close_contacts import close_contact_render


@staff_required
@require_GET
def person_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person record with its index episodes and close-contact roles in its municipality."""
    person = person_get_for_user(user=request.user, person_id=person_id, action=AccessAction.VIEW)
    indexes = list(
        person.indexes.filter(municipality_id=person.municipality_id).order_by("-opened_at")
    )
    roles = list(
        person.contact_roles.filter(municipality_id=person.municipality_id).order_by(
            "-registered_at"
        )
    )
    return render(
        request,
        "backoffice/person.html",
        {"person": person, "indexes": indexes, "contact_roles": roles},
    )


@staff_required
@require_GET
def close_contact_view(request: HttpRequest, close_contact_id: int) -> HttpResponse:
    contact = close_contact_get_for_user(
        user=request.user, close_contact_id=close_contact_id, action=AccessAction.VIEW
    )
    return close_contact_render(request, contact)
