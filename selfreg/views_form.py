"""The self-registration form (C-6, C-7) and its submission (C-8, I-1).

The municipality and the person come from the session (selfreg.flow), never from the posted
form, and every request checks them again: the municipality still takes self-registrations
(C-3), the person is still one this citizen may register (C-4), and C-5 (shown early on GET,
and decided inside the import's transaction on POST).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import form_as_typed
from core.i18n import is_language_switch
from core.localtime import local_today
from core.ratelimit import Rule, by_citizen, by_client, rate_limited
from municipalities.selectors import municipality_get
from selfreg.auth import keeps_typed_answers
from selfreg.decorators import portal_page
from selfreg.flow import (
    KRR_FILLED_FIELD,
    Flow,
    flow_begin,
    flow_get,
    flow_mark_registered,
    krr_filled,
)
from selfreg.forms import KRR_FIELDS, RegistrationForm
from selfreg.household import (
    household_change,
    household_focus,
    household_rows_bound,
    is_household_change,
    rows_posted,
)
from selfreg.resume import RESUME_FIELD, Resumed, resume_take, resume_token
from selfreg.selectors import (
    citizen_person,
    guardian_of,
    household_members,
    subject_get,
    subject_options,
    subject_prefill,
)
from selfreg.services import selfreg_submit
from selfreg.views import (
    NUMBER_RE,
    form_url,
    render_already_registered,
    render_not_available,
    render_not_in_register,
    render_problem,
    step_context,
    who_url,
)
from tracing.registration import HOUSEHOLD_MAX
from tracing.selectors import (
    index_active_or_self_registered_recently,
    index_reference_by_submission,
)
from tracing.services import AlreadyRegistered, TracingError


def _flow_resumed(request: HttpRequest) -> tuple[Flow, Resumed] | None:
    """After a new login: the flow of the form this citizen sent when the last one ran out."""
    resumed = resume_take(request.session, pid=request.citizen_pid)
    if resumed is None:
        return None
    flow = flow_begin(
        request.session,
        municipality_number=resumed.municipality_number,
        choice=resumed.choice,
        submission_id=resumed.submission_id,
    )
    reference = index_reference_by_submission(submission_id=resumed.submission_id)
    if reference is not None:
        # It did reach the register before the login ran out: the receipt, not a second form.
        flow_mark_registered(request.session, reference=reference)
        flow = flow_get(request.session)
    return flow, resumed


def _not_for_row_changes(rule: Rule) -> Rule:
    """The per-person limit counts what may register, not «Legg til nærkontakt» and «Fjern»:
    a household of 20 takes 20 posts before «Send inn». Those still count per address."""

    def key(request: HttpRequest) -> str | None:
        return None if is_household_change(request.POST) else rule.key(request)

    return Rule(name=rule.name, key=key)


@portal_page("GET", "POST")
@rate_limited(  # S9
    by_client("selfreg_submit_client"), _not_for_row_changes(by_citizen("selfreg_submit_person"))
)
@keeps_typed_answers
def registration_form(request: HttpRequest) -> HttpResponse:
    flow = flow_get(request.session)
    resumed = None
    if flow is None and request.method == "GET":
        found = _flow_resumed(request)
        if found is not None:
            flow, resumed = found
    if flow is None:
        # Back to the step before, with the municipality still chosen where the address says.
        number = request.GET.get("kommunenummer", "")
        return redirect(who_url(number) if NUMBER_RE.match(number) else "selfreg:start")
    if request.method == "GET" and flow.registered:
        return redirect("selfreg:receipt")
    municipality = municipality_get(number=flow.municipality_number)
    if municipality is None:
        return redirect("selfreg:start")
    if not municipality.accepts_selfreg:
        return render_not_available(request, municipality)
    parent = citizen_person(pid=request.citizen_pid)
    if parent is None:
        return render_not_in_register(request)
    today = local_today()
    # C-4 read once for this request: who is registered, and who else may be ticked.
    subjects = subject_options(parent=parent, today=today)
    subject = subject_get(parent=parent, choice=flow.choice, today=today, subjects=subjects)
    if subject is None:
        return render_problem(
            request,
            title=_("Du kan ikke registrere for denne personen"),
            message=_(
                "Folkeregisteret viser ikke lenger at du kan registrere for denne personen. "
                "Begynn på nytt."
            ),
            status=403,
        )
    already = {"person": subject.person, "is_self": subject.is_self, "municipality": municipality}
    # KRR only for the form's initial phone and e-mail; a POST carries the citizen's own.
    prefill = subject_prefill(subject=subject, contact=request.method == "GET")
    is_child = not subject.is_self
    members = household_members(subjects=subjects, subject=subject)
    options = {
        "is_child": is_child,
        "today": today,
        "household_members": [(m.choice, label) for m, label in members],
        # Which of phone and e-mail KRR filled when the form was first shown (C-6).
        "krr_filled": krr_filled(request.POST, fields=KRR_FIELDS),
    }
    change = household_change(request.POST) if request.method == "POST" else None
    focus_heading = False
    if request.method == "GET":
        if index_active_or_self_registered_recently(fnr=subject.person.fnr, now=timezone.now()):
            return render_already_registered(request, **already)
        initial = {"phone": prefill.phone, "email": prefill.email}
        filled = frozenset(name for name in KRR_FIELDS if initial[name])
        if resumed is not None:
            # KRR's help text only under a field that still holds what KRR gave.
            filled = frozenset(n for n in filled if resumed.answers.get(n) == initial[n])
        options["krr_filled"] = filled
        if resumed is not None:
            rows = rows_posted(resumed.answers)
            form = form_as_typed(RegistrationForm, resumed.answers, household_rows=rows, **options)
        else:
            form = RegistrationForm(initial=initial, **options)
    elif is_language_switch(request):
        # The same step in the language chosen: nothing checked, nothing submitted, nothing lost.
        rows = rows_posted(request.POST)
        form = form_as_typed(RegistrationForm, request.POST, household_rows=rows, **options)
    elif change is not None:
        # A row more or less, the rest as typed: nothing checked until «Send inn».
        form = form_as_typed(RegistrationForm, change.data, household_rows=change.rows, **options)
        focus_heading = household_focus(form, change)
    else:
        form = RegistrationForm(request.POST, household_rows=rows_posted(request.POST), **options)
        if form.is_valid():
            ticked = {m.choice: m for m, _label in members}
            household = [
                *form.household_typed,
                *(
                    subject_prefill(subject=ticked[choice], contact=False)
                    for choice in form.household_ticked
                ),
            ]
            guardian = guardian_of(parent=parent) if is_child else None
            try:
                result = selfreg_submit(
                    subject=subject,
                    prefill=prefill,
                    answers=form.answers,
                    phone=form.contact["phone"],
                    email=form.contact["email"],
                    municipality_number=municipality.number,
                    citizen_pid=request.citizen_pid,
                    submission_id=flow.submission_id,
                    confirm_to=(
                        (form.contact["phone"], form.contact["email"])
                        if subject.is_self
                        else (guardian.phone, guardian.email)  # a child has none of its own
                    ),
                    guardian=guardian,
                    household=household,
                )
            except AlreadyRegistered:
                return render_already_registered(request, **already)
            except TracingError as exc:
                return render_problem(
                    request, title=_("Skjemaet ble ikke registrert"), message=str(exc), status=409
                )
            flow_mark_registered(request.session, reference=result.index.reference)
            return redirect("selfreg:receipt")
    context = {
        "form": form,
        "subject": subject,
        "prefill": prefill,
        "municipality": municipality,
        "is_child": is_child,
        "resumed": resumed is not None,
        "resume_field": RESUME_FIELD,
        "resume_token": resume_token(pid=request.citizen_pid, flow=flow),
        "action": form_url(municipality.number),
        **step_context(3, back_url=who_url(municipality.number)),
        "household_rows": household_rows_bound(form),
        "krr_filled_field": KRR_FILLED_FIELD,
        "krr_filled": sorted(options["krr_filled"]),
        "household_max": HOUSEHOLD_MAX,
        "household_focus_heading": focus_heading,
        "language_switch_form": "selfreg-form",
    }
    return render(request, "selfreg/form.html", context)
