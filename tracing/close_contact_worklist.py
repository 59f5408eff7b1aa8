"""The «Nærkontakter» worklist: a municipality's close contacts, filtered, sorted, in columns.

Selectors only, like tracing.worklists for the index lists; the views page, render and log.
Every list is limited to the municipalities the caller passes (the tracer's). The columns
share tracing.worklists.Column: a cell is made from plain values, so a page of contacts and a
CSV export of plain rows read from one definition.
"""

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.localtime import start_of_day
from tracing.models import CloseContact
from tracing.worklists import COLUMNS as INDEX_COLUMNS
from tracing.worklists import Column, _date, _moment, _plain

# The key of the tracer's column choice (WorklistPreference.worklist), beside the index lists'.
SLUG = "naerkontakter"
TITLE = _("Nærkontakter")
DEFAULT_SORT = "rapportert"
DEFAULT_DESCENDING = True


def _name(last: str, first: str) -> str:
    return f"{last}, {first}"


def reported_by_label(reported_by: str, first: str | None, last: str | None, username) -> str:
    """Who reported the contact: «Registrert av indeks» for the index's own household list,
    else the tracer's name (or user name); «Smittesporer» where no user is known."""
    if reported_by == CloseContact.ReportedBy.INDEX:
        return str(CloseContact.ReportedBy.INDEX.label)
    name = " ".join(p for p in (first, last) if p)
    return name or username or str(CloseContact.ReportedBy.STAFF.label)


_COLUMN_LIST = [
    Column(
        "navn",
        _("Navn"),
        ("person__last_name", "person__first_name"),
        ("person__last_name", "person__first_name"),
        _name,
    ),
    Column(
        "indeks",
        _("Indeks"),
        ("index__person__last_name", "index__person__first_name"),
        ("index__person__last_name", "index__person__first_name"),
        _name,
    ),
    Column(
        "status",
        _("Status"),
        ("status",),
        ("status",),
        lambda status: str(CloseContact.Status(status).label),
    ),
    Column("rapportert", _("Rapportert"), ("registered_at",), ("registered_at",), _moment),
    Column(
        "rapportert_av",
        _("Rapportert av"),
        ("reported_by",),
        (
            "reported_by",
            "registered_by_user__first_name",
            "registered_by_user__last_name",
            "registered_by_user__username",
        ),
        reported_by_label,
    ),
    Column("telefon", _("Telefon"), (), ("person__phone",), _plain),
    Column("siste_kontakt", _("Siste kontakt"), ("last_contact_on",), ("last_contact_on",), _date),
    Column(
        "status_endret",
        _("Status endret"),
        ("status_changed_at",),
        ("status_changed_at",),
        _moment,
    ),
    # The person's and municipality's columns read the same paths from a contact as from an
    # index.
    INDEX_COLUMNS["fodselsdato"],
    Column("fodselsnummer", _("Fødselsnummer"), (), ("person__fnr",), _plain),
    INDEX_COLUMNS["kommune"],
]
COLUMNS: dict[str, Column] = {c.key: c for c in _COLUMN_LIST}
# The name links to the contact (where the actions are), the index to the index page.
REQUIRED_COLUMNS = ("navn", "indeks")
DEFAULT_COLUMNS = (
    "navn",
    "indeks",
    "status",
    "rapportert",
    "rapportert_av",
    "telefon",
    "siste_kontakt",
)


def close_contact_columns(*, chosen: Sequence[str] | None) -> list[Column]:
    """The tracer's saved choice (I-3), else the default; the required columns first."""
    keys = DEFAULT_COLUMNS if chosen is None else chosen
    keys = [*REQUIRED_COLUMNS, *(k for k in keys if k in COLUMNS and k not in REQUIRED_COLUMNS)]
    return [COLUMNS[k] for k in keys]


def close_contact_sortable(column: str) -> bool:
    return column in COLUMNS and bool(COLUMNS[column].order_by)


@dataclass(frozen=True)
class CloseContactFilters:
    municipality_numbers: frozenset[str]
    status: str = ""
    reported_by: str = ""
    reported_from: datetime.date | None = None
    reported_to: datetime.date | None = None


def close_contacts_list(
    *, filters: CloseContactFilters, column: str, descending: bool
) -> QuerySet[CloseContact]:
    """The close contacts of the given municipalities (B-1), filtered and sorted by a
    whitelisted column; an unknown column is the caller's bug (ValueError)."""
    if not close_contact_sortable(column):
        raise ValueError(f"not a sortable column: {column!r}")
    contacts = CloseContact.objects.filter(municipality_id__in=list(filters.municipality_numbers))
    if filters.status:
        contacts = contacts.filter(status=filters.status)
    if filters.reported_by:
        contacts = contacts.filter(reported_by=filters.reported_by)
    # registered_at is UTC in the database; the dates the tracer typed are Oslo dates.
    if filters.reported_from:
        contacts = contacts.filter(registered_at__gte=start_of_day(filters.reported_from))
    if filters.reported_to:
        next_day = filters.reported_to + datetime.timedelta(days=1)
        contacts = contacts.filter(registered_at__lt=start_of_day(next_day))
    fields = COLUMNS[column].order_by
    if column == "kommune" and len(filters.municipality_numbers) == 1:
        fields = ()
    prefix = "-" if descending else ""
    return contacts.order_by(*(prefix + f for f in fields), prefix + "pk")


def close_contact_page_rows(page: QuerySet[CloseContact]) -> list[CloseContact]:
    """The contacts of one page, in order, with their person, index (and its person),
    municipality and reporting tracer: the page's ids first, then one query for the rows."""
    ids = list(page.values_list("pk", flat=True))
    rows = CloseContact.objects.select_related(
        "person", "index__person", "municipality", "registered_by_user"
    ).in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def _export_fields(columns: Sequence[Column]) -> list[str]:
    # What the access log needs of each row comes first, then the columns' values.
    fields = ["pk", "person_id", "person__fnr", "municipality_id", "index_id"]
    for column in columns:
        fields.extend(f for f in column.fields if f not in fields)
    return fields


LOG_FIELDS = 5  # the first fields of an export row: what its access-log entry names


def close_contact_export_values(
    contacts: QuerySet[CloseContact], columns: Sequence[Column]
) -> QuerySet:
    """The list as plain values: the access log's fields, then the columns' values."""
    return contacts.values_list(*_export_fields(columns))


def close_contact_export_rows(
    rows: Iterable[Sequence], columns: Sequence[Column]
) -> Iterator[list[str]]:
    """CSV rows, one cell per column, from the rows of close_contact_export_values."""
    position = {field: n for n, field in enumerate(_export_fields(columns))}
    picks = [[position[f] for f in column.fields] for column in columns]
    for row in rows:
        yield [
            column.show(*(row[n] for n in pick))
            for column, pick in zip(columns, picks, strict=True)
        ]


def _lookup(contact: CloseContact, path: str):
    value = contact
    for name in path.split("__"):
        value = getattr(value, name)
        if value is None:  # a contact reported by no known user
            return None
    return value


def close_contact_cells(contact: CloseContact, columns: Sequence[Column]) -> list[str]:
    """One page row's cells, from a contact with what close_contact_page_rows joins in."""
    return [c.show(*(_lookup(contact, path) for path in c.fields)) for c in columns]


def close_contact_reported_by(contact: CloseContact) -> str:
    """«Rapportert av» for one contact (its reporting tracer loaded or not)."""
    return COLUMNS["rapportert_av"].show(
        *(_lookup(contact, path) for path in COLUMNS["rapportert_av"].fields)
    )
