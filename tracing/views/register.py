"""Register an index by hand, e.g. after a lab report.

The same import service as the citizen portal and the API (index_register), so the duplicate
rules of section 5 apply unchanged; only the source differs: a tracer, not self-registered.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import staff_required
from accounts.models import AccessAction, Role
from accounts.selectors import user_municipalities
from core.forms import form_as_typed
from core.i18n import is_language_switch
from registers.types import RegisterError
from tracing.access import index_log_for_user
from tracing.forms import IndexRegisterForm
from tracing.lookup import person_details_lookup
from tracing.models import RegisteredByKind
from tracing.registration import Registration, values_of
from tracing.services import (
    AlreadyRegistered,
    RegisteredBy,
    RegistrationResult,
    TracingError,
    index_register,
)


def _register(request: HttpRequest, form: IndexRegisterForm) -> RegistrationResult | None:
    data = form.cleaned_data
    try:
        details = person_details_lookup(fnr=data["fnr"])
    except RegisterError:
        form.add_error(None, _("Folkeregisteret svarer ikke akkurat nå. Prøv igjen om litt."))
        return None
    if details is None:
        form.add_error("fnr", _("Fant ingen person med dette fødselsnummeret i Folkeregisteret."))
        return None
    registration = Registration(
        **{
            **values_of(details),
            "phone": form.contact["phone"] or details.phone,
            "email": form.contact["email"] or details.email,
        },
        **values_of(form.answers),
    )
    try:
        return index_register(
            registration=registration,
            municipality_number=data["kommune"],
            registered_by=RegisteredBy(kind=RegisteredByKind.STAFF, user=request.user),
            self_registered=False,
            submission_id=data["submission_id"],
        )
    except AlreadyRegistered as exc:
        form.add_error(
            None,
            _(
                "Personen er allerede registrert og under oppfølging (regel %(rule)s). "
                "Finn indeksen i arbeidslisten, eller ta kontakt med kommunen som følger opp."
            )
            % {"rule": exc.rule},
        )
    except TracingError as exc:
        form.add_error(None, str(exc))
    return None


@staff_required
@require_http_methods(["GET", "POST"])
def index_register_view(request: HttpRequest) -> HttpResponse:
    municipalities = user_municipalities(user=request.user, role=Role.TRACER)
    if is_language_switch(request):
        # The same form in the language chosen, as typed (the submission id too), unchecked.
        form = form_as_typed(IndexRegisterForm, request.POST, municipalities=municipalities)
    else:
        form = IndexRegisterForm(request.POST or None, municipalities=municipalities)
    if form.is_bound and request.method == "POST" and form.is_valid():
        result = _register(request, form)
        if result is not None:
            index_log_for_user(user=request.user, index=result.index, action=AccessAction.REGISTER)
            if result.repeated_submission:
                messages.info(request, _("Skjemaet var allerede sendt inn. Her er indeksen."))
            else:
                messages.success(
                    request, _("Indeksen er registrert (regel %(rule)s).") % {"rule": result.rule}
                )
            return redirect("tracing:index", index_id=result.index.pk)
    return index_register_render(request, form, status=400 if form.is_bound else 200)


def index_register_render(
    request: HttpRequest, form: IndexRegisterForm, *, status: int = 200, contact=None
) -> HttpResponse:
    """The registration form; with `contact`, as «Gjør om til indeks» opens it for a close
    contact (the form still posts to index_register_view, the one registration path)."""
    return render(
        request,
        "backoffice/index_register.html",
        {
            "form": form,
            "nav": "registrer",
            "language_switch_form": "index-register",
            "contact": contact,
        },
        status=status,
    )
