"""The worklists (B-2, I-2, I-3): page, column chooser and CSV export.

The filter form is POSTed: the name search must not land in a URL (S10), where proxies,
server logs and browser history would keep it. The name is kept in the tracer's session under
a random token, and the list's URL (and its sort, page and export links) carries the token.
"""

import secrets
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import staff_required
from accounts.models import AccessAction, Role
from accounts.selectors import user_municipalities
from core.csvexport import csv_response
from tracing.access import indexes_log
from tracing.exports import worklist_export
from tracing.forms import BulkActionForm, ColumnChooserForm, FnrSearchForm, WorklistFilterForm
from tracing.models import Index
from tracing.rules import POSSIBLE_DUPLICATE_RULES, RULE_DESCRIPTIONS
from tracing.selectors import worklist_columns_get
from tracing.services import worklist_columns_set
from tracing.worklists import (
    COLUMNS,
    DEFAULT_PAGE_SIZE,
    NAME_TOKEN_PARAM,
    PAGE_SIZES,
    REQUIRED_COLUMNS,
    WORKLISTS,
    Column,
    Worklist,
    WorklistFilters,
    follow_up_overdue_days,
    worklist_columns,
    worklist_filter,
    worklist_indexes,
    worklist_page_rows,
    worklist_sort,
    worklist_sortable,
)

DESCENDING, ASCENDING = "synkende", "stigende"
NAME_SEARCHES_KEY = "worklist_name_searches"  # in the session: {token: name}
_NAME_SEARCHES_KEPT = 20


def worklist_get(slug: str) -> Worklist:
    worklist = WORKLISTS.get(slug)
    if worklist is None:
        raise Http404
    return worklist


@dataclass(frozen=True)
class _Query:
    """A worklist as this request asks for it: filtered and sorted, not yet paged."""

    worklist: Worklist
    form: WorklistFilterForm
    indexes: object  # QuerySet[Index]
    sort: str
    descending: bool
    columns: list[Column]
    page_size: int
    params: dict[str, str]  # the valid filters only: what links may carry on


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


def _name_search_get(request: HttpRequest) -> tuple[str, str]:
    """(token, name) of the name search a list URL refers to; ("", "") if none or unknown."""
    token = request.GET.get(NAME_TOKEN_PARAM, "")
    name = (request.session.get(NAME_SEARCHES_KEY) or {}).get(token) if token else None
    return (token, name) if isinstance(name, str) else ("", "")


def _name_search_remember(request: HttpRequest, name: str) -> str:
    searches = dict(request.session.get(NAME_SEARCHES_KEY) or {})
    token = secrets.token_urlsafe(9)
    searches[token] = name
    request.session[NAME_SEARCHES_KEY] = dict(list(searches.items())[-_NAME_SEARCHES_KEPT:])
    return token


def _filter_data(request: HttpRequest) -> tuple[QueryDict, str]:
    """The filters this request asks for, and the token of its name search. A `navn` in the
    query string is ignored: names come only from a POSTed form or the session."""
    if request.method == "POST":
        return request.POST, ""
    data = request.GET.copy()
    data.pop("navn", None)
    token, name = _name_search_get(request)
    if name:
        data["navn"] = name
    return data, token


def _query(request: HttpRequest, worklist: Worklist) -> _Query:
    user = request.user
    municipalities = user_municipalities(user=user, role=Role.TRACER)
    numbers = frozenset(m.number for m in municipalities)
    data, name_token = _filter_data(request)
    form = WorklistFilterForm(
        data, municipalities=municipalities, show_status=worklist.show_status_filter
    )
    form.is_valid()  # a bad field is shown with its error; the valid ones still filter
    chosen_number = form.valid_value("kommune") if form.show_municipality else None
    self_registered = {"ja": True, "nei": False}.get(form.valid_value("selvregistrert") or "")
    filters = WorklistFilters(
        municipality_numbers=frozenset({chosen_number}) & numbers if chosen_number else numbers,
        status=(form.valid_value("status") or "") if form.show_status else "",
        opened_from=form.valid_value("fra"),
        opened_to=form.valid_value("til"),
        self_registered=self_registered,
        name=form.valid_value("navn") or "",
        possible_duplicate=form.valid_value("duplikat") == "ja",
    )
    sort = data.get("sorter", "")
    if not worklist_sortable(sort):
        sort = worklist.default_sort
        descending = worklist.default_descending
    else:
        descending = data.get("retning") == DESCENDING
    indexes = worklist_indexes(
        worklist=worklist.slug, municipality_numbers=numbers, today=timezone.localdate()
    )
    indexes = worklist_sort(
        worklist_filter(indexes, filters=filters),
        column=sort,
        descending=descending,
        municipality_numbers=filters.municipality_numbers,
    )
    page_size = _int(data.get("antall"), DEFAULT_PAGE_SIZE)
    if page_size not in PAGE_SIZES:
        page_size = DEFAULT_PAGE_SIZE
    columns = worklist_columns(chosen=worklist_columns_get(user=user, worklist=worklist.slug))
    params = {}
    for name in form.fields:
        value = form.valid_value(name)
        if name == "navn":
            if value and not name_token:
                name_token = _name_search_remember(request, value)
            if value:
                params[NAME_TOKEN_PARAM] = name_token
        elif value not in (None, ""):
            params[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    params.update(
        sorter=sort, retning=DESCENDING if descending else ASCENDING, antall=str(page_size)
    )
    return _Query(worklist, form, indexes, sort, descending, columns, page_size, params)


def _querystring(query: _Query, **changes: str | None) -> str:
    """A query string built from the valid filters only, never echoing raw input (a mistyped
    fødselsnummer in the name search must not spread into links)."""
    params = QueryDict(mutable=True)
    for key, value in {**query.params, **changes}.items():
        if value is not None:
            params[key] = value
    return params.urlencode()


def _headers(query: _Query) -> list[dict]:
    headers = []
    for column in query.columns:
        header = {"label": column.label, "url": "", "aria_sort": ""}
        if column.order_by:
            current = column.key == query.sort
            if current:
                header["aria_sort"] = "descending" if query.descending else "ascending"
            next_descending = current and not query.descending
            header["url"] = _querystring(
                query,
                sorter=column.key,
                retning=DESCENDING if next_descending else ASCENDING,
                side=None,
            )
        headers.append(header)
    return headers


@staff_required
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    return redirect("tracing:worklist", worklist="i-dag")


@staff_required
@require_http_methods(["GET", "POST"])
def worklist_view(request: HttpRequest, worklist: str) -> HttpResponse:
    """B-2: one page of a worklist. A bounded number of queries whatever the page size: the
    roles, the saved columns, the count, the page's ids, its rows (person and municipality
    joined in; tracing.worklists.worklist_page_rows) and one INSERT of the access-log entries
    for the rows shown (B-4).

    POST is the filter form: valid filters redirect to the list's URL (with the name search's
    token, never the name); a filter with an error is shown at once, with status 400."""
    query = _query(request, worklist_get(worklist))
    if request.method == "POST" and not query.form.errors:
        return redirect(f"{request.path}?{_querystring(query)}")
    page = Paginator(query.indexes, query.page_size).get_page(request.GET.get("side"))
    indexes: list[Index] = worklist_page_rows(page.object_list)
    indexes_log(user=request.user, indexes=indexes, action=AccessAction.LIST)
    data_columns = query.columns[1:]  # the first is the name, a row header with a link
    # An overdue follow-up is marked by the name: the column that stays in view on a phone,
    # whichever columns the tracer has chosen.
    today = timezone.localdate()
    rows = [
        {
            "index": i,
            "cells": [c.value(i) for c in data_columns],
            "overdue_days": follow_up_overdue_days(i, today=today),
            "possible_duplicate": i.duplicate_rule in POSSIBLE_DUPLICATE_RULES,
        }
        for i in indexes
    ]
    # «Mulig duplikat»: each rule that made a row on this page, explained once above the table.
    shown_rules = {row["index"].duplicate_rule for row in rows if row["possible_duplicate"]}
    duplicate_rules = [
        (r, RULE_DESCRIPTIONS[r]) for r in POSSIBLE_DUPLICATE_RULES if r in shown_rules
    ]
    return render(
        request,
        "backoffice/worklist.html",
        {
            "worklist": query.worklist,
            "nav": query.worklist.slug,
            "form": query.form,
            "headers": _headers(query),
            "rows": rows,
            "page": page,
            "page_query": _querystring(query) + "&",
            "list_path": f"{request.path}?{_querystring(query)}",
            "page_size": query.page_size,
            "page_sizes": PAGE_SIZES,
            "sort": query.sort,
            "descending": query.descending,
            "all_columns": list(COLUMNS.values()),
            "chosen": [c.key for c in query.columns],
            "required_columns": REQUIRED_COLUMNS,
            "export_query": _querystring(query, antall=None),
            "duplicate_rules": duplicate_rules,
            "search_form": FnrSearchForm(),
            "bulk_form": BulkActionForm(),
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_required
@require_POST
def worklist_columns_view(request: HttpRequest, worklist: str) -> HttpResponse:
    """I-3 'Velg kolonner': save the tracer's choice and go back to the list as it was."""
    spec = worklist_get(worklist)
    form = ColumnChooserForm(request.POST, columns=list(COLUMNS.values()))
    chosen = form.cleaned_data["kolonner"] if form.is_valid() else []
    worklist_columns_set(
        user=request.user,
        worklist=spec.slug,
        columns=[*REQUIRED_COLUMNS, *chosen],
        allowed=COLUMNS,
    )
    return back_to_list(request, reverse("tracing:worklist", args=[spec.slug]))


def back_to_list(request: HttpRequest, list_path: str) -> HttpResponse:
    """Redirect to the list the form was sent from (list_back_path)."""
    return redirect(list_back_path(request, list_path))


def list_back_path(request: HttpRequest, list_path: str) -> str:
    """Where a form posted from a list goes back to: the `neste` it carries if that is this
    list (with its query string), never anywhere else."""
    back = request.POST.get("neste", "")
    if not (back == list_path or back.startswith(list_path + "?")):
        back = list_path
    return back


@staff_required
@require_GET
def worklist_export_view(request: HttpRequest, worklist: str) -> HttpResponse:
    """The current filtered list as CSV, in the chosen columns, streamed. Every exported row is
    written to the access log before the first byte is sent (B-4)."""
    query = _query(request, worklist_get(worklist))
    columns = query.columns  # the first is always the name (REQUIRED_COLUMNS)
    rows = worklist_export(user=request.user, indexes=query.indexes, columns=columns[1:])
    return csv_response(
        filename=f"{query.worklist.slug}-{timezone.localdate():%Y-%m-%d}.csv",
        header=[c.label for c in columns],
        rows=rows,
    )
