"""The index page (B-3) and its actions: note, close contact, close, reopen, next follow-up.

Every view reaches the index through tracing.access (B-1, B-4) and changes it only through
tracing.services. An index transferred away between the access check and the change
(IndexMoved) answers 404, as it would a moment later.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import staff_required
from accounts.models import AccessAction
from registers.types import RegisterError
from tracing.access import close_contacts_log, index_get_for_user
from tracing.forms import CloseContactForm, FollowUpForm, NoteForm
from tracing.lookup import person_details_lookup
from tracing.models import Index, RegisteredByKind
from tracing.rules import CANDIDATE_KIND_LABELS, RULE_DESCRIPTIONS
from tracing.services import (
    AlreadyRegistered,
    IndexMoved,
    TracingError,
    close_contact_register,
    index_close,
    index_reopen,
    index_set_follow_up,
    note_add,
)
from tracing.worklists import follow_up_overdue_days


def author_label(user) -> str:
    return user.get_full_name() or user.get_username()


def _source(index: Index) -> dict:
    """Where the index came from: self-registered or not, by whom, and which duplicate rule
    decided on which candidates (section 5)."""
    candidates = [
        {
            "person_id": c.get("person_id"),
            "municipality_number": c.get("municipality_number"),
            "kind": CANDIDATE_KIND_LABELS.get(c.get("kind"), c.get("kind")),
        }
        for c in index.duplicate_candidates or []
    ]
    return {
        "registered_by": RegisteredByKind(index.registered_by_kind).label
        if index.registered_by_kind
        else "",
        "rule": index.duplicate_rule,
        "rule_text": RULE_DESCRIPTIONS.get(index.duplicate_rule, ""),
        "candidates": candidates,
    }


def _render(
    request: HttpRequest,
    index: Index,
    *,
    note_form: NoteForm | None = None,
    contact_form: CloseContactForm | None = None,
    follow_up_form: FollowUpForm | None = None,
    status: int = 200,
) -> HttpResponse:
    notes = list(index.notes.order_by("-created_at", "-id"))
    contacts = list(index.close_contacts.select_related("person").order_by("registered_at", "pk"))
    # B-4: the contacts' names and numbers shown here are reads of their records too.
    close_contacts_log(user=request.user, index=index, contacts=contacts, action=AccessAction.VIEW)
    episodes = list(
        index.person.indexes.filter(municipality_id=index.municipality_id)
        .exclude(pk=index.pk)
        .order_by("-opened_at")
    )
    return render(
        request,
        "backoffice/index.html",
        {
            "index": index,
            "overdue_days": follow_up_overdue_days(index, today=timezone.localdate()),
            "person": index.person,
            "source": _source(index),
            "registered_by_user": index.registered_by_user,
            "notes": notes,
            "contacts": contacts,
            "episodes": episodes,
            "note_form": note_form or NoteForm(),
            "contact_form": contact_form or CloseContactForm(),
            "follow_up_form": follow_up_form
            or FollowUpForm(initial={"follow_up_on": index.follow_up_on}),
        },
        status=status,
    )


@staff_required
@require_GET
def index_view(request: HttpRequest, index_id: int) -> HttpResponse:
    """B-3: person, index fields, source, notes newest first, close contacts."""
    index = index_get_for_user(user=request.user, index_id=index_id, action=AccessAction.VIEW)
    return _render(request, index)


@staff_required
@require_POST
def note_add_view(request: HttpRequest, index_id: int) -> HttpResponse:
    """B-3: notes are only added, never edited or deleted."""
    index = index_get_for_user(user=request.user, index_id=index_id, action=AccessAction.NOTE_ADD)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(
                index=index,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                user=request.user,
                author_label=author_label(request.user),
            )
        except IndexMoved:
            raise Http404 from None
        except TracingError as exc:
            form.add_error("text", str(exc))
        else:
            messages.success(request, _("Notatet er lagret."))
            return redirect("tracing:index", index_id=index.pk)
    return _render(request, index, note_form=form, status=400)


def _contact_register(request: HttpRequest, index: Index, form: CloseContactForm):
    """Look the contact up in Folkeregisteret and register them; errors go on the form."""
    try:
        details = person_details_lookup(fnr=form.cleaned_data["fnr"])
    except RegisterError:
        form.add_error(None, _("Folkeregisteret svarer ikke akkurat nå. Prøv igjen om litt."))
        return None
    if details is None:
        form.add_error("fnr", _("Fant ingen person med dette fødselsnummeret i Folkeregisteret."))
        return None
    try:
        return close_contact_register(
            index=index,
            person=details,
            last_contact_on=form.cleaned_data["last_contact_on"],
            user=request.user,
        )
    except IndexMoved:
        raise Http404 from None
    except TracingError as exc:
        form.add_error(None, str(exc))
        return None


@staff_required
@require_POST
def close_contact_add_view(request: HttpRequest, index_id: int) -> HttpResponse:
    """B-3: register a close contact, looked up in Folkeregisteret by fødselsnummer."""
    index = index_get_for_user(
        user=request.user, index_id=index_id, action=AccessAction.CONTACT_ADD
    )
    form = CloseContactForm(request.POST)
    contact = _contact_register(request, index, form) if form.is_valid() else None
    if contact is None:
        return _render(request, index, contact_form=form, status=400)
    close_contacts_log(
        user=request.user, index=index, contacts=[contact], action=AccessAction.CONTACT_ADD
    )
    messages.success(request, _("Nærkontakten er registrert."))
    return redirect("tracing:index", index_id=index.pk)


CONFIRMED = "ja"  # the value of `bekreft` that the confirmation page posts


@staff_required
@require_POST
def index_close_view(request: HttpRequest, index_id: int) -> HttpResponse:
    """«Avslutt indeks», after a confirmation page: the button on the index page posts without
    `bekreft` and is answered with the question; only the question's own button closes."""
    confirmed = request.POST.get("bekreft") == CONFIRMED
    action = AccessAction.CLOSE if confirmed else AccessAction.VIEW
    index = index_get_for_user(user=request.user, index_id=index_id, action=action)
    if not confirmed:
        return _confirm_close(request, index)
    try:
        index_close(index=index)
    except IndexMoved:
        raise Http404 from None
    except TracingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Indeksen er avsluttet."))
    return redirect("tracing:index", index_id=index.pk)


def _confirm_close(request: HttpRequest, index: Index) -> HttpResponse:
    if index.status != Index.Status.ACTIVE:
        messages.error(request, _("Indeksen er allerede avsluttet."))
        return redirect("tracing:index", index_id=index.pk)
    return render(
        request,
        "backoffice/confirm.html",
        {
            "page_title": _("Avslutt indeks %(id)s") % {"id": index.pk},
            "title": _("Vil du avslutte indeksen for %(name)s?") % {"name": index.person.full_name},
            "paragraphs": [
                _(
                    "Indeksen forsvinner fra «Indeksoppfølging i dag», og det blir ikke satt "
                    "noen ny oppfølgingsdato."
                ),
                _("Du kan gjenåpne indeksen senere hvis personen ikke har en annen aktiv indeks."),
            ],
            "action": reverse("tracing:index_close", args=[index.pk]),
            "fields": [],
            "confirm_label": _("Ja, avslutt indeksen"),
            "cancel_url": reverse("tracing:index", args=[index.pk]),
        },
    )


@staff_required
@require_POST
def index_reopen_view(request: HttpRequest, index_id: int) -> HttpResponse:
    index = index_get_for_user(user=request.user, index_id=index_id, action=AccessAction.REOPEN)
    try:
        index_reopen(index=index)
    except AlreadyRegistered:
        messages.error(
            request,
            _("Indeksen kan ikke gjenåpnes: personen har allerede en aktiv indeks (D-3)."),
        )
    except IndexMoved:
        raise Http404 from None
    except TracingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Indeksen er gjenåpnet."))
    return redirect("tracing:index", index_id=index.pk)


@staff_required
@require_POST
def follow_up_set_view(request: HttpRequest, index_id: int) -> HttpResponse:
    """B-2: set the next follow-up date; the index leaves today's list until then."""
    index = index_get_for_user(user=request.user, index_id=index_id, action=AccessAction.FOLLOW_UP)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            index_set_follow_up(index=index, follow_up_on=form.cleaned_data["follow_up_on"])
        except IndexMoved:
            raise Http404 from None
        except TracingError as exc:
            form.add_error("follow_up_on", str(exc))
        else:
            messages.success(request, _("Neste oppfølging er lagret."))
            return redirect("tracing:index", index_id=index.pk)
    return _render(request, index, follow_up_form=form, status=400)
