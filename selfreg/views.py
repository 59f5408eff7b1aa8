"""Citizen portal pages before and after the form: choose municipality (C-2, A-4), who
(C-3, C-4, C-5) and the receipt (C-8). The form itself is in selfreg.views_form.

Every page needs a login (C-1) and answers 503 when a register is down (portal_page).
"""

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from core.forms import form_as_typed
from core.i18n import is_language_switch
from core.localtime import local_timestamp, local_today
from municipalities.models import Municipality
from municipalities.selectors import (
    municipality_choices,
    municipality_get,
    municipality_lookup_number,
)
from registers.types import RegisterPerson
from selfreg.contact import NUMBER_RE, request_municipality
from selfreg.decorators import portal_page
from selfreg.flow import flow_begin, flow_get, receipt_get
from selfreg.forms import MunicipalityForm, WhoForm
from selfreg.selectors import (
    Subject,
    citizen_person,
    citizen_receipt,
    subject_options,
    subjects_already_registered,
)
from tracing.selectors import index_household_contacts

# «Velg kommune», «Hvem», the form: the citizen is told where they are («Steg 2 av 3»).
STEP_COUNT = 3


def step_context(number: int, *, back_url: str = "") -> dict:
    """Where the citizen is, and the «Tilbake» link to the step before (which keeps what was
    chosen there)."""
    return {"step": number, "step_count": STEP_COUNT, "back_url": back_url}


def start_url(number: str = "") -> str:
    url = reverse("selfreg:start")
    return f"{url}?{urlencode({'kommunenummer': number})}" if number else url


def who_url(number: str) -> str:
    return f"{reverse('selfreg:who')}?{urlencode({'kommunenummer': number})}"


def form_url(number: str) -> str:
    """The form's address names the municipality (not a secret), so that a citizen whose login
    ran out comes back to it after the next login; the form still takes the municipality from
    the session (C-4)."""
    return f"{reverse('selfreg:form')}?{urlencode({'kommunenummer': number})}"


def number_notice(number: str) -> tuple[str, str]:
    """A-4: what to tell the citizen about a number from a link, and what to preselect."""
    number = (number or "").strip()
    if not number:
        return "", ""
    if not NUMBER_RE.match(number):
        return (
            _(
                "«%(number)s» er ikke et gyldig kommunenummer. Et kommunenummer har fire sifre. "
                "Velg kommunen din fra listen."
            )
            % {"number": number[:20]},
            "",
        )
    lookup = municipality_lookup_number(number=number)
    if lookup.is_current:
        return "", number
    if lookup.single_successor is not None:
        new = lookup.single_successor
        return (
            _(
                "Kommunenummer %(old)s (%(old_name)s) er ikke lenger i bruk. "
                "%(new_name)s har nå kommunenummer %(new)s."
            )
            % {
                "old": number,
                "old_name": lookup.former_name,
                "new_name": new.name,
                "new": new.number,
            },
            new.number,
        )
    if lookup.is_former:
        successors = get_text_list([f"{m.name} ({m.number})" for m in lookup.successors], _("og"))
        return (
            _(
                "Kommunenummer %(old)s (%(old_name)s) er ikke lenger i bruk. Området er nå "
                "delt mellom %(successors)s. Velg kommunen du bor eller oppholder deg i."
            )
            % {"old": number, "old_name": lookup.former_name, "successors": successors},
            "",
        )
    return (
        _("Kommunenummer %(number)s finnes ikke. Velg kommunen din fra listen.")
        % {"number": number},
        "",
    )


def render_not_available(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """C-3: not a customer, or self-registration is off: nothing is registered."""
    return render(request, "selfreg/not_available.html", {"municipality": municipality})


def render_already_registered(
    request: HttpRequest, *, person: RegisterPerson, is_self: bool, municipality: Municipality
) -> HttpResponse:
    """C-5 (and D-1a/D-2a): the person is already registered; contact the municipality."""
    context = {"name": person.full_name, "is_self": is_self, "municipality": municipality}
    return render(request, "selfreg/already_registered.html", context)


def render_problem(request: HttpRequest, *, title: str, message: str, status: int) -> HttpResponse:
    context = {"title": title, "message": message, "municipality": request_municipality(request)}
    return render(request, "selfreg/problem.html", context, status=status)


def render_not_in_register(request: HttpRequest) -> HttpResponse:
    """Without the citizen in Folkeregisteret there is nothing to prefill or check C-4 against."""
    return render_problem(
        request,
        title=_("Vi fant deg ikke i Folkeregisteret"),
        message=_(
            "Vi kan ikke hente opplysningene dine fra Folkeregisteret, og kan derfor ikke ta "
            "imot registreringen her. Ta kontakt med kommunen din."
        ),
        status=200,
    )


@portal_page("GET", "POST")
def start(request: HttpRequest) -> HttpResponse:
    """C-2: "Velg kommune", preselected from ?kommunenummer= (A-3), explained if old (A-4)."""
    municipalities = municipality_choices()
    notice = ""
    if is_language_switch(request):
        form = form_as_typed(MunicipalityForm, request.POST, municipalities=municipalities)
    elif request.method == "POST":
        form = MunicipalityForm(request.POST, municipalities=municipalities)
        if form.is_valid():
            return redirect(who_url(form.cleaned_data["kommunenummer"]))
    else:
        notice, preselect = number_notice(request.GET.get("kommunenummer", ""))
        initial = {"kommunenummer": preselect} if preselect else {}
        form = MunicipalityForm(initial=initial, municipalities=municipalities)
    context = {
        "form": form,
        "notice": notice,
        **step_context(1),
        "language_switch_form": "selfreg-start",
    }
    return render(request, "selfreg/start.html", context)


@portal_page("GET", "POST")
def who(request: HttpRequest) -> HttpResponse:
    """C-3 for the chosen municipality, then C-4 "who": a person C-5 already refuses is shown
    as such, not offered."""
    number = request.GET.get("kommunenummer", "")
    municipality = municipality_get(number=number) if NUMBER_RE.match(number) else None
    if municipality is None:
        # Back to "Velg kommune", which explains the number; a few characters are enough
        # for that, and an endless value must not become an endless URL (S8).
        return redirect(start_url(number[:20]))
    if not municipality.accepts_selfreg:
        return render_not_available(request, municipality)
    parent = citizen_person(pid=request.citizen_pid)
    if parent is None:
        return render_not_in_register(request)
    subjects = subject_options(parent=parent, today=local_today())
    # C-5 before the choice: one already registered is shown as such, not offered (a value
    # posted for them anyway is not a choice: the form refuses it).
    registered = subjects_already_registered(subjects=subjects, now=timezone.now())
    choices = {"subjects": subjects, "registered": registered}
    if is_language_switch(request):
        form = form_as_typed(WhoForm, request.POST, **choices)
    else:
        form = WhoForm(request.POST if request.method == "POST" else None, **choices)
    if form.is_bound and form.is_valid():
        subject: Subject = next(s for s in subjects if s.choice == form.cleaned_data["hvem"])
        flow_begin(request.session, municipality_number=municipality.number, choice=subject.choice)
        return redirect(form_url(municipality.number))
    if not form.is_bound:
        # «Tilbake» from the form: the person chosen before is still chosen.
        flow = flow_get(request.session)
        if flow is not None and flow.municipality_number == municipality.number:
            form = WhoForm(initial={"hvem": flow.choice}, subjects=subjects)
    context = {
        "form": form,
        "registered": registered,
        "municipality": municipality,
        "action": who_url(municipality.number),
        "change_url": start_url(municipality.number),
        **step_context(2, back_url=start_url(municipality.number)),
        "language_switch_form": "selfreg-who",
    }
    return render(request, "selfreg/who.html", context)


def render_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    found = citizen_receipt(
        citizen_pid=request.citizen_pid, reference=reference, today=local_today()
    )
    if found is None:
        raise Http404
    index = found.index
    context = {
        "index": index,
        "person": index.person,
        "is_self": found.is_self,
        "registered_at": local_timestamp(index.opened_at),
        "again_url": start_url(index.municipality_id),
        "household": [c.person.full_name for c in index_household_contacts(index=index)],
    }
    return render(request, "selfreg/receipt.html", context)


@portal_page("GET")
def receipt(request: HttpRequest) -> HttpResponse:
    """C-8: "Skjemaet er registrert" after the redirect from a successful submission (PRG)."""
    reference = receipt_get(request.session)
    if reference is None:
        return redirect("selfreg:start")
    return render_receipt(request, reference)


@portal_page("GET")
def receipt_by_reference(request: HttpRequest, reference: str) -> HttpResponse:
    """A receipt reached later, e.g. from the confirmation's link: only the citizen's own
    registration or a child's they may register for (C-4)."""
    return render_receipt(request, reference)
