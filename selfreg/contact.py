"""The municipality a citizen's request is about, for the pages that send the citizen on: the
refusal (C-5), «not available» (C-3), the portal's problem pages and the error pages
(core.contact). Known from the link's ?kommunenummer= (A-3) or from the flow in the session;
its home page and phone number are public, set in Forvaltning."""

import re

from django.http import HttpRequest

from municipalities.models import Municipality
from municipalities.selectors import municipality_get
from selfreg.flow import flow_get

NUMBER_RE = re.compile(r"^[0-9]{4}$")


def request_municipality(request: HttpRequest) -> Municipality | None:
    number = request.GET.get("kommunenummer", "")
    if not NUMBER_RE.match(number):
        flow = flow_get(request.session) if hasattr(request, "session") else None
        number = flow.municipality_number if flow else ""
    return municipality_get(number=number) if NUMBER_RE.match(number) else None


def contact_for_error_pages(request: HttpRequest) -> dict:
    """core.contact's provider: the municipality whose contact details an error page shows."""
    municipality = request_municipality(request)
    return {"contact_municipality": municipality} if municipality else {}
