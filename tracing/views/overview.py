"""«Oversikt»: a municipality's figures for its tracers and administrators, with charts drawn on
the server (core.charts), each with its data table and the table as CSV.

The figures come from tracing.overview in a fixed number of queries; the tables here are the
one description of what each chart shows, used by the page and by the CSV download alike.
"""

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.decorators import tracer_or_admin_required
from core.charts import Chart, Series, chart_svg, horizontal_bars, stacked_columns
from core.csvexport import csv_response
from core.localtime import local_today
from tracing.access import overview_municipalities_for_user, overview_municipality_get_for_user
from tracing.overview import PERIOD_DAYS, Overview, Share, overview_for_municipality

DATE_FORMAT = "%d.%m.%Y"
TICK_FORMAT = "%d.%m"


@dataclass(frozen=True)
class Table:
    """One chart's numbers: the page's table and the CSV download."""

    slug: str  # in the CSV's URL and file name
    title: str
    header: list[str]
    rows: list[list[str]]
    chart: Chart | None = None
    legend: list[Series] | None = None
    warnings: frozenset[int] = frozenset()  # rows (by position) the page marks as needing action

    @property
    def caption_id(self) -> str:
        return f"{self.slug}-caption"

    @property
    def svg(self) -> str:
        """The chart, described by this table's caption (its text alternative)."""
        return chart_svg(self.chart, described_by=self.caption_id) if self.chart else ""


def _decimal(value: float, places: int) -> str:
    """In the language's format (a decimal comma in Norwegian), rounded: Django's number_format
    cuts the digits off (16.67 would be "16,6")."""
    return number_format(round(value, places), places)


def _percent(share: Share) -> str:
    return f"{_decimal(share.percent, 1)} %"


def _share_table(slug: str, title: str, shares: list[Share], label_header: str) -> Table:
    rows = [[str(s.label), str(s.count), _percent(s)] for s in shares]
    chart = horizontal_bars(
        chart_id=f"figur-{slug}",
        title=_("Stolpediagram: %(title)s. Tallene står i tabellen under.") % {"title": title},
        rows=[(str(s.label), s.count, f"{s.count} ({_decimal(s.percent, 0)} %)") for s in shares],
    )
    return Table(slug, title, [label_header, _("Antall"), _("Andel")], rows, chart)


def _daily_table(overview: Overview) -> Table:
    title = _("Nye indekser per dag, siste %(weeks)s uker") % {"weeks": PERIOD_DAYS // 7}
    series = [
        Series("selfreg", _("Selvregistrert")),
        Series("other", _("Registrert av smittesporer eller integrasjon")),
    ]
    last = len(overview.days) - 1
    chart = stacked_columns(
        chart_id="figur-per-dag",
        title=_(
            "Søylediagram: %(title)s, selvregistrerte nederst i hver søyle. Tallene står i "
            "tabellen under."
        )
        % {"title": title},
        stacks=[(d.self_registered, d.indexes - d.self_registered) for d in overview.days],
        series=series,
        # A date under every seventh column, ending with today's.
        tick_labels=[
            d.day.strftime(TICK_FORMAT) if (last - i) % 7 == 0 else ""
            for i, d in enumerate(overview.days)
        ],
    )
    rows = [
        [d.day.strftime(DATE_FORMAT), str(d.indexes), str(d.self_registered)]
        for d in reversed(overview.days)
    ]
    header = [_("Dato"), _("Nye indekser"), _("Selvregistrert")]
    return Table("per-dag", title, header, rows, chart, series)


def _key_figures(overview: Overview) -> Table:
    median = overview.median_days_to_registration
    risk = overview.risk_group_share
    rows = [
        [_("Åpne indekser"), str(overview.open_indexes)],
        [_("Oppfølging i dag"), str(overview.follow_ups_today)],
        [_("Oppfølging forsinket"), str(overview.follow_ups_overdue)],
        [_("Nye indekser siste %(weeks)s uker") % {"weeks": PERIOD_DAYS // 7},
         str(overview.period_indexes)],
        [_("Av disse selvregistrert"), str(overview.period_self_registered)],
        [_("Andel i risikogruppe"), _percent(risk)],
        [_("Median dager fra testdato til registrering"),
         _decimal(median, 1) if median is not None else _("Ingen med testdato")],
        [_("Indekser med testdato"), str(overview.with_test_date)],
    ]  # fmt: skip
    overdue = frozenset({2}) if overview.follow_ups_overdue else frozenset()
    return Table("nokkeltall", _("Nøkkeltall"), [_("Tall"), _("Verdi")], rows, warnings=overdue)


def overview_tables(overview: Overview) -> list[Table]:
    return [
        _key_figures(overview),
        _daily_table(overview),
        _share_table(
            "aldersgrupper", _("Aldersgrupper (alder i dag)"), overview.age_groups, _("Alder")
        ),
        _share_table(
            "smittested",
            _("Hvor ble du smittet?"),
            overview.infection_places,
            _("Svar"),
        ),
        _share_table("risikogruppe", _("Risikogruppe"), overview.risk_groups, _("Svar")),
    ]


@tracer_or_admin_required
@require_GET
def overview_home_view(request: HttpRequest) -> HttpResponse:
    """Straight to the overview of the user's one municipality; a choice when there are more."""
    municipalities = overview_municipalities_for_user(user=request.user)
    if len(municipalities) == 1:
        return redirect("tracing:overview", number=municipalities[0].number)
    return render(
        request,
        "backoffice/overview_choose.html",
        {"municipalities": municipalities, "nav": "oversikt"},
    )


@tracer_or_admin_required
@require_GET
def overview_view(request: HttpRequest, number: str) -> HttpResponse:
    municipality = overview_municipality_get_for_user(user=request.user, number=number)
    overview = overview_for_municipality(municipality_number=number, today=local_today())
    tables = overview_tables(overview)
    return render(
        request,
        "backoffice/overview.html",
        {
            "municipality": municipality,
            "municipalities": overview_municipalities_for_user(user=request.user),
            "overview": overview,
            "key_figures": tables[0],
            "tables": tables[1:],
            "today": overview.today.strftime(DATE_FORMAT),
            "first_day": overview.first_day.strftime(DATE_FORMAT),
            "nav": "oversikt",
        },
    )


@tracer_or_admin_required
@require_GET
def overview_export_view(request: HttpRequest, number: str, table: str) -> HttpResponse:
    """One of the overview's tables as CSV: counts only, no person (nothing for the access log)."""
    overview_municipality_get_for_user(user=request.user, number=number)
    overview = overview_for_municipality(municipality_number=number, today=local_today())
    found = next((t for t in overview_tables(overview) if t.slug == table), None)
    if found is None:
        raise Http404
    return csv_response(
        filename=f"oversikt-{number}-{found.slug}-{overview.today:%Y-%m-%d}.csv",
        header=found.header,
        rows=found.rows,
    )
