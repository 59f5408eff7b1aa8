"""After the form: «Mine registreringer» and «Hvem har sett opplysningene mine» (innsyn).

Both for the logged-in citizen and the children they may register for only, decided from the
register on every request (C-4); any other person is a 404.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from core.localtime import local_timestamp, local_today
from selfreg.decorators import portal_page
from selfreg.innsyn import innsyn_page
from selfreg.selectors import (
    SELF_CHOICE,
    citizen_subjects,
    registrations_of,
    subject_pick,
)
from selfreg.views import render_not_in_register


def innsyn_url(choice: str = SELF_CHOICE, page: int | None = None) -> str:
    query = {} if choice == SELF_CHOICE else {"person": choice}
    if page is not None and page > 1:
        query["side"] = page
    url = reverse("selfreg:innsyn")
    return f"{url}?{urlencode(query)}" if query else url


@portal_page("GET")
def mine(request: HttpRequest) -> HttpResponse:
    """The self-registrations of the citizen and their children, newest first."""
    subjects = citizen_subjects(citizen_pid=request.citizen_pid, today=local_today())
    if subjects is None:
        return render_not_in_register(request)
    rows = [
        {
            "registration": found,
            "registered_at": local_timestamp(found.index.opened_at),
        }
        for found in registrations_of(subjects=subjects)
    ]
    context = {
        "rows": rows,
        "innsyn_links": [(s, innsyn_url(s.choice)) for s in subjects],
        "start_url": reverse("selfreg:start"),
    }
    return render(request, "selfreg/mine.html", context)


@portal_page("GET")
def innsyn(request: HttpRequest) -> HttpResponse:
    """Who has read the records of the citizen, or of the child ?person= names."""
    subjects = citizen_subjects(citizen_pid=request.citizen_pid, today=local_today())
    if subjects is None:
        return render_not_in_register(request)
    subject = subject_pick(subjects=subjects, choice=request.GET.get("person", SELF_CHOICE))
    if subject is None:
        raise Http404
    page = innsyn_page(
        citizen_pid=request.citizen_pid,
        person_fnr=subject.person.fnr,
        page=request.GET.get("side"),
        now=timezone.now(),
    )
    context = {
        "subject": subject,
        "page": page,
        "people": [(s, innsyn_url(s.choice), s == subject) for s in subjects],
        "previous_url": innsyn_url(subject.choice, page.number - 1) if page.has_previous() else "",
        "next_url": innsyn_url(subject.choice, page.number + 1) if page.has_next() else "",
    }
    return render(request, "selfreg/innsyn.html", context)
