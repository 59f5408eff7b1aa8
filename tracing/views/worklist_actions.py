"""What a tracer does from a worklist besides reading it: bulk actions on the ticked rows, and
«Finn på fødselsnummer».

Both are POSTed forms that work without JavaScript. A fødselsnummer never reaches a URL: the
search answers its POST with the results page itself (no redirect), and a bulk action's rows
travel as ids, their confirmed state in a signed form field.
"""

import datetime
from dataclasses import astuple

from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import staff_required
from accounts.models import AccessAction
from tracing.access import indexes_find_by_fnr_for_user, indexes_get_for_user
from tracing.bulk import BulkRefused, RowState, indexes_close, indexes_set_follow_up
from tracing.forms import BulkAction, BulkActionForm, FnrSearchForm
from tracing.models import Index
from tracing.services import TracingError, follow_up_date_check
from tracing.views.indexes import CONFIRMED
from tracing.views.worklists import list_back_path, worklist_get
from tracing.worklists import Worklist

_PLAN_SALT = "tracing.worklist-bulk"
_PLAN_MAX_AGE = 60 * 60  # seconds a confirmation page stays valid


def _name(index: Index) -> str:
    person = index.person
    given = " ".join(p for p in (person.first_name, person.middle_name) if p)
    return f"{person.last_name}, {given}"


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else _("ingen")


def _refused(request: HttpRequest, worklist: Worklist, back: str, reason: str, status=409):
    return render(
        request,
        "backoffice/bulk_refused.html",
        {"worklist": worklist, "nav": worklist.slug, "reason": reason, "back": back},
        status=status,
    )


def _not_reachable(request, worklist, back, denied: list[int]) -> HttpResponse:
    # One wording for missing and another municipality's (B-1: they must not be told apart).
    reason = ngettext(
        "%(count)s av de valgte indeksene finnes ikke lenger i dine kommuner.",
        "%(count)s av de valgte indeksene finnes ikke lenger i dine kommuner.",
        len(denied),
    ) % {"count": len(denied)}
    return _refused(request, worklist, back, reason)


def _bulk_refused(request, worklist, back, exc: BulkRefused) -> HttpResponse:
    reason = _("%(name)s: %(reason)s") % {"name": _name(exc.index), "reason": exc.reason}
    return _refused(request, worklist, back, reason)


def _run(action: str, indexes, follow_up_on, *, expected=None, dry_run=False) -> None:
    if action == BulkAction.CLOSE:
        indexes_close(indexes=indexes, expected=expected, dry_run=dry_run)
    else:
        indexes_set_follow_up(
            indexes=indexes, follow_up_on=follow_up_on, expected=expected, dry_run=dry_run
        )


def _change_text(action: str, index: Index, follow_up_on: datetime.date | None) -> str:
    if action == BulkAction.CLOSE:
        return _("%(name)s: %(before)s → %(after)s") % {
            "name": _name(index),
            "before": index.get_status_display(),
            "after": Index.Status.CLOSED.label,
        }
    return _("%(name)s: oppfølging %(before)s → %(after)s") % {
        "name": _name(index),
        "before": _date(index.follow_up_on),
        "after": _date(follow_up_on),
    }


def _confirm(request, worklist, back, form, indexes) -> HttpResponse:
    action = form.cleaned_data["handling"]
    follow_up_on = form.cleaned_data.get("oppfolging")
    plan = signing.dumps(
        {
            "user": request.user.pk,
            "action": action,
            "date": follow_up_on.isoformat() if follow_up_on else "",
            "rows": [[i.pk, *astuple(RowState.of(i))] for i in indexes],
        },
        salt=_PLAN_SALT,
    )
    count = len(indexes)
    if action == BulkAction.CLOSE:
        title = ngettext(
            "Vil du avslutte %(count)s indeks?", "Vil du avslutte %(count)s indekser?", count
        )
        paragraphs = [
            _(
                "Indeksene forsvinner fra «Indeksoppfølging i dag», og det blir ikke satt "
                "noen ny oppfølgingsdato."
            )
        ]
        confirm_label = _("Ja, avslutt valgte")
    else:
        title = ngettext(
            "Vil du sette ny oppfølgingsdato for %(count)s indeks?",
            "Vil du sette ny oppfølgingsdato for %(count)s indekser?",
            count,
        )
        paragraphs = [
            _("Indeksene forsvinner fra «Indeksoppfølging i dag» til %(date)s.")
            % {"date": _date(follow_up_on)}
        ]
        confirm_label = _("Ja, sett oppfølgingsdato")
    paragraphs.append(
        _("Alle endres samtidig, eller ingen: er én av dem endret i mellomtiden, endres ingen.")
    )
    return render(
        request,
        "backoffice/confirm.html",
        {
            "nav": worklist.slug,
            "page_title": _("Bekreft endring av valgte indekser"),
            "title": title % {"count": count},
            "paragraphs": paragraphs,
            "items_label": _("Dette blir endret"),
            "items": [_change_text(action, i, follow_up_on) for i in indexes],
            "action": reverse("tracing:worklist_bulk", args=[worklist.slug]),
            "fields": [("plan", plan), ("neste", back)],
            "confirm_label": confirm_label,
            "confirm_color": "danger" if action == BulkAction.CLOSE else "accent",
            "cancel_url": back,
        },
    )


def _date_form(request, worklist, back, form, indexes) -> HttpResponse:
    """The ticked rows again with the date field and its error: nothing ticked is lost."""
    return render(
        request,
        "backoffice/bulk_date.html",
        {
            "worklist": worklist,
            "nav": worklist.slug,
            "form": form,
            "names": [_name(i) for i in indexes],
            "ids": [i.pk for i in indexes],
            "back": back,
        },
        status=400,
    )


@staff_required
@require_POST
def worklist_bulk_view(request: HttpRequest, worklist: str) -> HttpResponse:
    """«Avslutt valgte» / «Sett oppfølgingsdato»: the ticked rows' ids in, a confirmation page
    listing each change out; its own button (bekreft=ja) applies the change to all or none."""
    spec = worklist_get(worklist)
    back = list_back_path(request, reverse("tracing:worklist", args=[spec.slug]))
    if request.POST.get("bekreft") == CONFIRMED:
        return _bulk_apply(request, spec, back)
    form = BulkActionForm(request.POST)
    form.is_valid()
    if "valgt" in form.errors or "handling" in form.errors:
        problems = [*form.errors.get("valgt", []), *form.errors.get("handling", [])]
        messages.error(request, " ".join(problems))
        return redirect(back)
    indexes, denied = indexes_get_for_user(
        user=request.user, index_ids=form.cleaned_data["valgt"], action=AccessAction.VIEW
    )
    if denied:
        return _not_reachable(request, spec, back, denied)
    follow_up_on = form.cleaned_data.get("oppfolging")
    if form.cleaned_data["handling"] == BulkAction.FOLLOW_UP and follow_up_on:
        try:
            follow_up_date_check(follow_up_on)
        except TracingError as exc:
            form.add_error("oppfolging", str(exc))
    if form.errors:
        return _date_form(request, spec, back, form, indexes)
    try:
        _run(form.cleaned_data["handling"], indexes, follow_up_on, dry_run=True)
    except BulkRefused as exc:
        return _bulk_refused(request, spec, back, exc)
    return _confirm(request, spec, back, form, indexes)


def _bulk_apply(request: HttpRequest, worklist: Worklist, back: str) -> HttpResponse:
    try:
        plan = signing.loads(request.POST.get("plan", ""), salt=_PLAN_SALT, max_age=_PLAN_MAX_AGE)
    except signing.BadSignature:
        plan = None
    if not plan or plan.get("user") != request.user.pk:
        reason = _("Bekreftelsen er for gammel eller ugyldig. Velg radene på nytt.")
        return _refused(request, worklist, back, reason, status=400)
    action = plan["action"]
    follow_up_on = datetime.date.fromisoformat(plan["date"]) if plan["date"] else None
    expected = {row[0]: RowState(*row[1:]) for row in plan["rows"]}
    log_action = AccessAction.CLOSE if action == BulkAction.CLOSE else AccessAction.FOLLOW_UP
    indexes, denied = indexes_get_for_user(
        user=request.user, index_ids=list(expected), action=log_action
    )
    if denied:
        return _not_reachable(request, worklist, back, denied)
    try:
        _run(action, indexes, follow_up_on, expected=expected)
    except BulkRefused as exc:
        return _bulk_refused(request, worklist, back, exc)
    count = len(indexes)
    if action == BulkAction.CLOSE:
        done = ngettext("%(count)s indeks er avsluttet.", "%(count)s indekser er avsluttet.", count)
    else:
        done = ngettext(
            "Ny oppfølgingsdato er satt for %(count)s indeks.",
            "Ny oppfølgingsdato er satt for %(count)s indekser.",
            count,
        )
    messages.success(request, done % {"count": count})
    return redirect(back)


@sensitive_post_parameters("fnr")
@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def worklist_fnr_search_view(request: HttpRequest, worklist: str) -> HttpResponse:
    """«Finn på fødselsnummer»: the results answer the POST directly (a redirect would have to
    carry the number, or a token for it, in a URL). A GET goes back to the list."""
    spec = worklist_get(worklist)
    if request.method == "GET":
        return redirect("tracing:worklist", worklist=spec.slug)
    form = FnrSearchForm(request.POST)
    results = None
    if form.is_valid():
        results = indexes_find_by_fnr_for_user(user=request.user, fnr=form.cleaned_data["fnr"])
    return render(
        request,
        "backoffice/fnr_search.html",
        {
            "worklist": spec,
            "nav": spec.slug,
            "search_form": form,
            "results": results,
            "list_path": reverse("tracing:worklist", args=[spec.slug]),
        },
        status=200 if form.is_valid() else 400,
    )
