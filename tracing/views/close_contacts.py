"""The «Nærkontakter» worklist (page, column chooser, CSV) and the actions on a close contact:
set its status, add a note, and «Gjør om til indeks».

The filters are sent by GET: they hold no name and no number, only status, reporter, dates and
municipality. Every contact is reached through tracing.access (B-1, B-4) and changed only
through tracing.services. «Gjør om til indeks» opens the ordinary registration form filled in
for the contact; it posts to index_register_view, so the duplicate rules of section 5 decide
(D-1d/D-2c) exactly as for any other registration.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import staff_required
from accounts.models import AccessAction, Role
from accounts.selectors import user_municipalities
from core.csvexport import csv_response
from tracing import notes
from tracing.access import close_contact_get_for_user, close_contacts_list_log
from tracing.close_contact_worklist import (
    COLUMNS,
    DEFAULT_DESCENDING,
    DEFAULT_SORT,
    REQUIRED_COLUMNS,
    SLUG,
    TITLE,
    CloseContactFilters,
    close_contact_cells,
    close_contact_columns,
    close_contact_page_rows,
    close_contact_reported_by,
    close_contact_sortable,
    close_contacts_list,
)
from tracing.exports import close_contact_export
from tracing.forms import (
    CloseContactFilterForm,
    CloseContactNoteForm,
    CloseContactStatusForm,
    ColumnChooserForm,
    IndexRegisterForm,
)
from tracing.models import CloseContact
from tracing.selectors import worklist_columns_get
from tracing.services import (
    IndexMoved,
    TracingError,
    close_contact_set_status,
    note_add,
    worklist_columns_set,
)
from tracing.views.indexes import author_label
from tracing.views.register import index_register_render
from tracing.views.worklists import (
    ASCENDING,
    DESCENDING,
    _headers,
    _querystring,
    back_to_list,
)
from tracing.worklists import DEFAULT_PAGE_SIZE, PAGE_SIZES, Column


@dataclass(frozen=True)
class _Query:
    """The list as this request asks for it: filtered and sorted, not yet paged. The same
    shape as the index lists' query, so their header and link helpers serve it too."""

    form: CloseContactFilterForm
    contacts: object  # QuerySet[CloseContact]
    sort: str
    descending: bool
    columns: list[Column]
    page_size: int
    params: dict[str, str]  # the valid filters only: what links may carry on


def _query(request: HttpRequest) -> _Query:
    municipalities = user_municipalities(user=request.user, role=Role.TRACER)
    numbers = frozenset(m.number for m in municipalities)
    form = CloseContactFilterForm(request.GET, municipalities=municipalities)
    form.is_valid()  # a bad field is shown with its error; the valid ones still filter
    chosen = form.valid_value("kommune") if form.show_municipality else None
    filters = CloseContactFilters(
        municipality_numbers=frozenset({chosen}) & numbers if chosen else numbers,
        status=form.valid_value("status") or "",
        reported_by=form.valid_value("rapportert_av") or "",
        reported_from=form.valid_value("fra"),
        reported_to=form.valid_value("til"),
    )
    sort = request.GET.get("sorter", "")
    if close_contact_sortable(sort):
        descending = request.GET.get("retning") == DESCENDING
    else:
        sort, descending = DEFAULT_SORT, DEFAULT_DESCENDING
    contacts = close_contacts_list(filters=filters, column=sort, descending=descending)
    try:
        page_size = int(request.GET.get("antall") or DEFAULT_PAGE_SIZE)
    except ValueError:
        page_size = DEFAULT_PAGE_SIZE
    if page_size not in PAGE_SIZES:
        page_size = DEFAULT_PAGE_SIZE
    columns = close_contact_columns(chosen=worklist_columns_get(user=request.user, worklist=SLUG))
    params = {}
    for name in form.fields:
        value = form.valid_value(name)
        if value not in (None, ""):
            params[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    params.update(
        sorter=sort, retning=DESCENDING if descending else ASCENDING, antall=str(page_size)
    )
    return _Query(form, contacts, sort, descending, columns, page_size, params)


def _log_rows(contacts):
    return [(c.pk, c.person_id, c.person.fnr, c.municipality_id, c.index_id) for c in contacts]


@staff_required
@require_GET
def close_contact_worklist_view(request: HttpRequest) -> HttpResponse:
    """One page of the municipality's close contacts. A bounded number of queries whatever
    the page size: the roles, the saved columns, the count, the page's ids, its rows (person,
    index and its person, municipality and reporting tracer joined in) and one INSERT of the
    access-log entries for the contacts shown (B-4)."""
    query = _query(request)
    page = Paginator(query.contacts, query.page_size).get_page(request.GET.get("side"))
    contacts = close_contact_page_rows(page.object_list)
    close_contacts_list_log(user=request.user, rows=_log_rows(contacts), action=AccessAction.LIST)
    data_columns = query.columns[len(REQUIRED_COLUMNS) :]  # name and index are links
    keys = [c.key for c in data_columns]
    rows = [
        {"contact": c, "cells": list(zip(keys, close_contact_cells(c, data_columns), strict=True))}
        for c in contacts
    ]
    list_query = _querystring(query)
    return render(
        request,
        "backoffice/close_contact_worklist.html",
        {
            "title": TITLE,
            "nav": SLUG,
            "form": query.form,
            "headers": _headers(query),
            "rows": rows,
            "page": page,
            "page_query": list_query + "&",
            "list_path": f"{request.path}?{list_query}",
            "page_size": query.page_size,
            "page_sizes": PAGE_SIZES,
            "sort": query.sort,
            "descending": query.descending,
            "all_columns": list(COLUMNS.values()),
            "chosen": [c.key for c in query.columns],
            "required_columns": REQUIRED_COLUMNS,
            "columns_action": reverse("tracing:contact_worklist_columns"),
            "export_url": reverse("tracing:contact_worklist_export")
            + "?"
            + _querystring(query, antall=None),
        },
    )


@staff_required
@require_POST
def close_contact_columns_view(request: HttpRequest) -> HttpResponse:
    """I-3 'Velg kolonner' for the «Nærkontakter» list; back to the list as it was."""
    form = ColumnChooserForm(request.POST, columns=list(COLUMNS.values()))
    chosen = form.cleaned_data["kolonner"] if form.is_valid() else []
    worklist_columns_set(
        user=request.user, worklist=SLUG, columns=[*REQUIRED_COLUMNS, *chosen], allowed=COLUMNS
    )
    return back_to_list(request, reverse("tracing:contact_worklist"))


@staff_required
@require_GET
def close_contact_export_view(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV in the chosen columns; every row logged first (B-4)."""
    query = _query(request)
    rows = close_contact_export(user=request.user, contacts=query.contacts, columns=query.columns)
    return csv_response(
        filename=f"{SLUG}-{timezone.localdate():%Y-%m-%d}.csv",
        header=[c.label for c in query.columns],
        rows=rows,
    )


def close_contact_render(
    request: HttpRequest,
    contact: CloseContact,
    *,
    status_form: CloseContactStatusForm | None = None,
    note_form: CloseContactNoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The close contact's page: the person, the contact, its notes and its actions."""
    contact_notes = list(contact.notes.order_by("-created_at", "-id"))
    return render(
        request,
        "backoffice/close_contact.html",
        {
            "contact": contact,
            "person": contact.person,
            "nav": SLUG,
            "notes": contact_notes,
            "reported_by": close_contact_reported_by(contact),
            "status_form": status_form
            or CloseContactStatusForm(initial={"status": contact.status}),
            "note_form": note_form or CloseContactNoteForm(),
        },
        status=status,
    )


@staff_required
@require_POST
def close_contact_status_view(request: HttpRequest, close_contact_id: int) -> HttpResponse:
    """Set «Ikke kontaktet», «Kontaktet» or «Ikke nådd»; when is kept (status_changed_at)."""
    contact = close_contact_get_for_user(
        user=request.user, close_contact_id=close_contact_id, action=AccessAction.CONTACT_STATUS
    )
    form = CloseContactStatusForm(request.POST)
    if form.is_valid():
        try:
            close_contact_set_status(contact=contact, status=form.cleaned_data["status"])
        except IndexMoved:
            raise Http404 from None  # handed to another municipality meanwhile (B-1)
        except TracingError as exc:
            form.add_error("status", str(exc))
        else:
            messages.success(request, _("Statusen er lagret."))
            return redirect("tracing:close_contact", close_contact_id=contact.pk)
    return close_contact_render(request, contact, status_form=form, status=400)


@staff_required
@require_POST
def close_contact_note_view(request: HttpRequest, close_contact_id: int) -> HttpResponse:
    """A note about the contact, written on its index and naming it (B-3: only ever added)."""
    contact = close_contact_get_for_user(
        user=request.user, close_contact_id=close_contact_id, action=AccessAction.NOTE_ADD
    )
    form = CloseContactNoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(
                index=contact.index,
                close_contact=contact,
                title=notes.close_contact_title(contact.person),
                text=form.cleaned_data["text"],
                user=request.user,
                author_label=author_label(request.user),
            )
        except IndexMoved:
            raise Http404 from None  # handed to another municipality meanwhile (B-1)
        except TracingError as exc:
            form.add_error("text", str(exc))
        else:
            messages.success(request, _("Notatet er lagret."))
            return redirect("tracing:close_contact", close_contact_id=contact.pk)
    return close_contact_render(request, contact, note_form=form, status=400)


@staff_required
@require_POST
def close_contact_convert_view(request: HttpRequest, close_contact_id: int) -> HttpResponse:
    """«Gjør om til indeks»: the registration form, filled in with the contact's number,
    municipality and phone. Nothing is registered here; the form posts to the one
    registration path (index_register_view), where the duplicate rules decide."""
    contact = close_contact_get_for_user(
        user=request.user, close_contact_id=close_contact_id, action=AccessAction.VIEW
    )
    municipalities = user_municipalities(user=request.user, role=Role.TRACER)
    form = IndexRegisterForm(
        municipalities=municipalities,
        initial={
            "fnr": contact.person.fnr,
            "kommune": contact.municipality_id,
            "phone": contact.person.phone,
            "email": contact.person.email,
        },
    )
    return index_register_render(request, form, contact=contact)
