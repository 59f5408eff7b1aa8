"""Staff login and logout, and the access log for administrators (B-4)."""

import logging

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import access_log_for_admin, access_log_search_for_admin
from accounts.decorators import admin_required, public_view
from accounts.forms import FnrForm, LoginForm
from accounts.models import AccessAction, AccessLogEntry, Role
from accounts.selectors import (
    user_has_role,
)
from accounts.services import (
    login_failure_record,
    login_is_locked,
    login_success_record,
)
from core.csvexport import csv_response
from core.ratelimit import by_client, by_posted_username, rate_limited

logger = logging.getLogger(__name__)

LOCKED_MESSAGE = gettext_lazy(
    "For mange mislykkede innloggingsforsøk. Innlogging er sperret i 15 minutter. "
    "Prøv igjen senere."
)
FAILED_MESSAGE = gettext_lazy("Feil brukernavn eller passord.")
ACCESS_LOG_PAGE_SIZE = 50
ACCESS_LOG_SEARCH_LIMIT = 500


def landing_url(user) -> str:
    """Where a staff member starts: the worklist for tracers, the access log for administrators."""
    if user_has_role(user=user, role=Role.TRACER):
        return reverse("tracing:worklist", args=["i-dag"])
    return reverse("accounts:access_log")


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/smittesporing/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@public_view
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited(by_client("staff_login_client"), by_posted_username("staff_login_username"))  # S9
def login_view(request: HttpRequest) -> HttpResponse:
    """Username and password (argon2), with a lockout per username counted in the database.

    The messages are the same whether or not the username exists.
    """
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        if login_is_locked(username=username):
            error = LOCKED_MESSAGE
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                locked = login_failure_record(username=username)
                error = LOCKED_MESSAGE if locked else FAILED_MESSAGE
            elif not (
                user_has_role(user=user, role=Role.TRACER)
                or user_has_role(user=user, role=Role.ADMIN)
            ):
                error = _("Brukeren har ingen rolle i noen kommune. Kontakt administrator.")
            else:
                login_success_record(username=username)
                # A staff session starts clean: nothing of a citizen login may carry over.
                request.session.flush()
                login(request, user)
                logger.info("staff login user_id=%s", user.pk)
                return redirect(_safe_next(request) or landing_url(user))
    elif request.method == "POST":
        error = FAILED_MESSAGE
    return render(
        request,
        "backoffice/login.html",
        {"form": form, "error": error, "next": _safe_next(request) or ""},
        status=200 if not error else 400,
    )


@public_view
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("Du er logget ut."))
    return redirect("accounts:login")


@admin_required
@require_http_methods(["GET", "POST"])
def access_log_view(request: HttpRequest) -> HttpResponse:
    """B-4, A-2: the entries of the administrator's municipalities; a search by fødselsnummer
    is sent by POST so that the number never lands in a URL."""
    form = FnrForm(request.POST or None)
    context = {"form": form, "searched": False}
    if request.method == "POST" and form.is_valid():
        found = access_log_search_for_admin(
            user=request.user, fnr=form.cleaned_data["fnr"], action=AccessAction.LOG_SEARCH
        )
        entries = list(found[:ACCESS_LOG_SEARCH_LIMIT])
        context.update(searched=True, entries=entries, limit=ACCESS_LOG_SEARCH_LIMIT)
    else:
        page = Paginator(access_log_for_admin(user=request.user), ACCESS_LOG_PAGE_SIZE)
        context["page"] = page.get_page(request.GET.get("side"))
        context["entries"] = context["page"].object_list
    return render(request, "backoffice/access_log.html", context)


def _entry_row(entry: AccessLogEntry) -> list[object]:
    return [
        timezone.localtime(entry.at).strftime("%d.%m.%Y %H:%M:%S"),
        entry.username,
        entry.get_role_display(),
        f"{entry.municipality_id} {entry.municipality.name}" if entry.municipality else "",
        entry.get_action_display(),
        entry.get_object_type_display(),
        entry.object_id or "",
        entry.person_id or "",
        entry.index_id or "",
        _("ja") if entry.allowed else _("nei"),
    ]


ACCESS_LOG_CSV_HEADER = [
    gettext_lazy("Tidspunkt"),
    gettext_lazy("Brukernavn"),
    gettext_lazy("Rolle"),
    gettext_lazy("Kommune"),
    gettext_lazy("Handling"),
    gettext_lazy("Objekttype"),
    gettext_lazy("Objekt-id"),
    gettext_lazy("Person-id"),
    gettext_lazy("Indeks-id"),
    gettext_lazy("Tillatt"),
]


@admin_required
@require_POST
def access_log_export_view(request: HttpRequest) -> HttpResponse:
    """B-4: every entry about one person in the administrator's municipalities, as CSV."""
    form = FnrForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "backoffice/access_log.html",
            {"form": form, "searched": False, "entries": []},
            status=400,
        )
    entries = access_log_search_for_admin(
        user=request.user, fnr=form.cleaned_data["fnr"], action=AccessAction.LOG_EXPORT
    )
    return csv_response(
        filename="tilgangslogg.csv",
        header=ACCESS_LOG_CSV_HEADER,
        rows=(_entry_row(e) for e in entries.iterator(chunk_size=500)),
    )
