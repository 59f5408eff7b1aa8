"""The tracers' worklists (B-2, I-2, I-3): which indexes, filtered, sorted, in which columns.

Selectors only; the views page, render and log. Every list is limited to the municipalities
the caller passes (the tracer's, from accounts.selectors.user_municipality_numbers).
"""

import datetime
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.localtime import local_timestamp, start_of_day
from tracing.models import Index, RegisteredByKind
from tracing.rules import POSSIBLE_DUPLICATE_RULES

TODAY = "i-dag"
# The query parameter that names a name search by its token (the name stays in the session).
NAME_TOKEN_PARAM = "navnesok"  # noqa: S105 (a query parameter's name)
SELF_REGISTERED = "selvregistrerte"


@dataclass(frozen=True)
class Worklist:
    slug: str
    title: str  # lazily translated
    default_sort: str
    default_descending: bool
    show_status_filter: bool


WORKLISTS = {
    TODAY: Worklist(TODAY, _("Indeksoppfølging i dag"), "oppfolging", False, False),
    SELF_REGISTERED: Worklist(
        SELF_REGISTERED, _("Selvregistrerte personer"), "opprettet", True, True
    ),
}


def _date(value: datetime.date | None) -> str:
    # Not strftime: a 50 000-row export formats ~200 000 dates.
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}" if value else ""


def _moment(value: datetime.datetime | None) -> str:
    return local_timestamp(value) if value else ""


def _period(start: datetime.date | None, end: datetime.date | None) -> str:
    if start and end and end != start:
        return f"{_date(start)}–{_date(end)}"
    return _date(start)


def _lookup(index: Index, path: str):
    value = index
    for name in path.split("__"):
        value = getattr(value, name)
    return value


@dataclass(frozen=True)
class Column:
    """A worklist column. `show` makes the cell from the values of `fields` (lookups from the
    index, as in values()), so a page of model instances and a CSV export read from plain rows
    share one definition: the export of 50 000 rows makes no model instances."""

    key: str
    label: str  # lazily translated
    order_by: tuple[str, ...]  # empty: not sortable
    fields: tuple[str, ...]
    show: Callable[..., str]

    def value(self, index: Index) -> str:
        return self.show(*(_lookup(index, path) for path in self.fields))


def _plain(value) -> str:
    return "" if value is None else str(value)


def _symptoms(none: bool, start: datetime.date | None, end: datetime.date | None) -> str:
    return gettext("Ingen symptomer") if none else _period(start, end)


def _registered_by(kind: str) -> str:
    return RegisteredByKind(kind).label if kind else ""


_COLUMN_LIST = [
    Column("navn", _("Navn"), ("person__last_name", "person__first_name"), (), lambda: ""),
    Column(
        "fodselsdato", _("Fødselsdato"), ("person__birth_date",), ("person__birth_date",), _date
    ),
    Column("fodselsnummer", _("Fødselsnummer"), (), ("fnr",), _plain),
    Column(
        "kommune",
        _("Kommune"),
        ("municipality__name_norwegian",),
        ("municipality__name",),
        _plain,
    ),
    Column(
        "status",
        _("Status"),
        ("status",),
        ("status",),
        lambda status: str(Index.Status(status).label),
    ),
    Column("opprettet", _("Opprettet"), ("opened_at",), ("opened_at",), _moment),
    Column("oppfolging", _("Oppfølging"), ("follow_up_on",), ("follow_up_on",), _date),
    Column(
        "provedato",
        _("Prøvedato"),
        ("test_date_from",),
        ("test_date_from", "test_date_to"),
        _period,
    ),
    Column(
        "symptomstart",
        _("Symptomstart"),
        ("symptom_onset_from",),
        ("no_symptoms", "symptom_onset_from", "symptom_onset_to"),
        _symptoms,
    ),
    # I-3: "JA" for self-registered, blank otherwise.
    Column(
        "selvregistrert",
        _("Selvregistrert"),
        ("self_registered",),
        ("self_registered",),
        lambda self_registered: gettext("JA") if self_registered else "",
    ),
    Column(
        "registrert_av",
        _("Registrert av"),
        ("registered_by_kind",),
        ("registered_by_kind",),
        _registered_by,
    ),
    Column("telefon", _("Telefon"), (), ("person__phone",), _plain),
    Column("arbeidssted", _("Arbeidssted eller skole"), (), ("workplace_or_school",), _plain),
    Column("duplikatregel", _("Duplikatregel"), ("duplicate_rule",), ("duplicate_rule",), _plain),
]
COLUMNS: dict[str, Column] = {c.key: c for c in _COLUMN_LIST}
# The name links to the index page, so it is always shown.
REQUIRED_COLUMNS = ("navn",)
DEFAULT_COLUMNS = (
    "navn",
    "fodselsdato",
    "kommune",
    "status",
    "opprettet",
    "oppfolging",
    "provedato",
)
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25


def follow_up_overdue_days(index: Index, *, today: datetime.date) -> int:
    """How many days an active index's follow-up is past its date; 0 when it is not overdue
    (due today, later, or the index is closed)."""
    if index.status != Index.Status.ACTIVE or index.follow_up_on is None:
        return 0
    return max((today - index.follow_up_on).days, 0)


def worklist_columns(*, chosen: Sequence[str] | None) -> list[Column]:
    """The columns to show: the tracer's saved choice (I-3), else the default; unknown keys are
    dropped and the required ones always come first."""
    keys = DEFAULT_COLUMNS if chosen is None else chosen
    keys = [*REQUIRED_COLUMNS, *(k for k in keys if k in COLUMNS and k not in REQUIRED_COLUMNS)]
    return [COLUMNS[k] for k in keys]


@dataclass(frozen=True)
class WorklistFilters:
    municipality_numbers: frozenset[str]
    status: str = ""
    opened_from: datetime.date | None = None
    opened_to: datetime.date | None = None
    self_registered: bool | None = None
    name: str = ""
    possible_duplicate: bool = False


def worklist_indexes(
    *, worklist: str, municipality_numbers: Collection[str], today: datetime.date
) -> QuerySet[Index]:
    """B-2 / I-2. 'Indeksoppfølging i dag': active indexes due follow-up today or earlier (a new
    self-registration is due the day it arrives). 'Selvregistrerte personer': every
    self-registered index. Both only in the given municipalities."""
    indexes = Index.objects.filter(municipality_id__in=list(municipality_numbers))
    if worklist == TODAY:
        indexes = indexes.filter(status=Index.Status.ACTIVE, follow_up_on__lte=today)
    elif worklist == SELF_REGISTERED:
        indexes = indexes.filter(self_registered=True)
    else:
        raise ValueError(f"unknown worklist {worklist!r}")
    return indexes.select_related("person", "municipality")


def worklist_filter(indexes: QuerySet[Index], *, filters: WorklistFilters) -> QuerySet[Index]:
    """Filters on top of a worklist; the municipality filter can only narrow (B-1)."""
    indexes = indexes.filter(municipality_id__in=list(filters.municipality_numbers))
    if filters.status:
        indexes = indexes.filter(status=filters.status)
    # opened_at is UTC in the database; the dates the tracer typed are Oslo dates.
    if filters.opened_from:
        indexes = indexes.filter(opened_at__gte=start_of_day(filters.opened_from))
    if filters.opened_to:
        next_day = filters.opened_to + datetime.timedelta(days=1)
        indexes = indexes.filter(opened_at__lt=start_of_day(next_day))
    if filters.self_registered is not None:
        indexes = indexes.filter(self_registered=filters.self_registered)
    if filters.possible_duplicate:
        indexes = indexes.filter(duplicate_rule__in=POSSIBLE_DUPLICATE_RULES)
    for term in filters.name.split():
        indexes = indexes.filter(
            Q(person__first_name__icontains=term)
            | Q(person__middle_name__icontains=term)
            | Q(person__last_name__icontains=term)
        )
    return indexes


def worklist_sort(
    indexes: QuerySet[Index],
    *,
    column: str,
    descending: bool,
    municipality_numbers: Collection[str] = (),
) -> QuerySet[Index]:
    """Sort by a whitelisted column; anything else is the caller's bug, answered with ValueError.

    Given the municipalities the list is limited to: within one municipality its name is the
    same on every row, and sorting by it is sorting by pk, which an index serves
    (ordering tens of thousands of rows by a joined name cannot use one)."""
    fields = COLUMNS[column].order_by if column in COLUMNS else ()
    if not fields:
        raise ValueError(f"not a sortable column: {column!r}")
    if column == "kommune" and len(municipality_numbers) == 1:
        fields = ()
    prefix = "-" if descending else ""
    return indexes.order_by(*(prefix + f for f in fields), prefix + "pk")


def worklist_page_rows(page: QuerySet[Index]) -> list[Index]:
    """The rows of one page (a sliced, sorted worklist), in order, with person, municipality
    and the municipality an index was transferred from.

    A deferred join: the page's ids are found first, over the sort's index, and
    only those rows are read with their person; joining every skipped row made page 100 cost
    65 ms of SQL at 1 000 000 persons instead of a few."""
    ids = list(page.values_list("pk", flat=True))
    rows = Index.objects.select_related("person", "municipality", "transferred_from").in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def worklist_sortable(column: str) -> bool:
    return column in COLUMNS and bool(COLUMNS[column].order_by)


def _export_fields(columns: Sequence[Column]) -> list[str]:
    fields = ["person__last_name", "person__first_name"]
    for column in columns:
        fields.extend(f for f in column.fields if f not in fields)
    return fields


def worklist_export_values(indexes: QuerySet[Index], columns: Sequence[Column]) -> QuerySet:
    """The list as plain values, what worklist_export_rows makes CSV rows of: no model
    instances for an export of 50 000 rows."""
    return indexes.values_list(*_export_fields(columns))


def worklist_export_rows(
    rows: Iterable[Sequence], columns: Sequence[Column]
) -> Iterator[list[str]]:
    """CSV rows, "last, first" and then each column, from the rows of worklist_export_values."""
    position = {field: n for n, field in enumerate(_export_fields(columns))}
    picks = [[position[f] for f in column.fields] for column in columns]
    for row in rows:
        yield [f"{row[0]}, {row[1]}"] + [
            column.show(*(row[n] for n in pick))
            for column, pick in zip(columns, picks, strict=True)
        ]
