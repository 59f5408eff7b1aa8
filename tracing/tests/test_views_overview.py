"""«Oversikt» (tracing.views.overview): who sees which municipality's, what the page and its CSV
downloads show, and charts that are well-formed, accessible SVG under the strict CSP."""

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET

import pytest

from accounts.models import AccessLogEntry
from core.localtime import local_today, start_of_day
from tests.factories import IndexFactory, StaffFactory

pytestmark = pytest.mark.django_db

URL = "/smittesporing/oversikt/0301/"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def indexes():
    today = local_today()
    IndexFactory(
        opened_at=start_of_day(today) + datetime.timedelta(hours=8),
        self_registered=True,
        test_date_from=today,
        infection_place="school",
        risk_group="yes",
    )
    IndexFactory(
        opened_at=start_of_day(today - datetime.timedelta(days=9)),
        follow_up_on=today - datetime.timedelta(days=2),
        test_date_from=today - datetime.timedelta(days=11),
        infection_place="work",
        risk_group="no",
    )
    IndexFactory(person__municipality_id="4601", infection_place="abroad")


@pytest.mark.parametrize("role", ["tracer_in", "admin_in"])
def test_tracers_and_administrators_see_their_municipalitys_overview(staff_client, indexes, role):
    client = staff_client(**{role: ["0301"]})
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Oversikt for Oslo" in page
    assert 'aria-current="page">Oversikt</a>' in page  # in the menu, marked
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert figures["Åpne indekser"] == "2"
    assert figures["Oppfølging forsinket"] == "1"
    assert figures["Nye indekser siste 8 uker"] == "2"
    assert figures["Andel i risikogruppe"] == "50,0 %"
    assert figures["Median dager fra testdato til registrering"] == "1,0"
    assert "Reise i utlandet</th><td>0</td>" in page  # Bergen's answer is not Oslo's
    # The overdue figure is marked (a border; the words say it): and only that one.
    assert page.count("overview-figure--warning") == 1
    assert re.search(r'overview-figure--warning"><dt>Oppfølging forsinket</dt>', page)


def test_another_municipalitys_number_answers_404_and_nothing_is_logged(staff_client, indexes):
    client = staff_client(tracer_in=["0301"], admin_in=["1103"])
    before = AccessLogEntry.objects.count()
    assert client.get("/smittesporing/oversikt/4601/").status_code == 404
    assert client.get("/smittesporing/oversikt/4601/eksport/nokkeltall/").status_code == 404
    assert client.get("/smittesporing/oversikt/1103/").status_code == 200  # administrator
    assert client.get(URL).status_code == 200
    # Counts only: no person's record is read, so the access log has nothing to record.
    assert AccessLogEntry.objects.count() == before


def test_without_a_role_refused_and_anonymous_sent_to_log_in(client, staff_client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/smittesporing/logg-inn/")
    staff_client()  # logged in, no role anywhere
    assert client.get(URL).status_code == 403
    assert client.get("/smittesporing/oversikt/").status_code == 403


def test_the_menus_oversikt_goes_to_the_one_municipality_or_offers_the_choice(staff_client):
    client = staff_client(tracer_in=["0301"])
    response = client.get("/smittesporing/oversikt/")
    assert (response.status_code, response["Location"]) == (302, URL)
    client.force_login(StaffFactory(tracer_in=["0301"], admin_in=["4601"]))
    page = client.get("/smittesporing/oversikt/").content.decode()
    assert 'href="/smittesporing/oversikt/4601/">Bergen' in page
    assert 'href="/smittesporing/oversikt/0301/">Oslo' in page


def test_page_queries_are_bounded(staff_client, indexes, django_assert_max_num_queries):
    client = staff_client(tracer_in=["0301"])
    client.get(URL)  # sessions and the like settle
    IndexFactory.create_batch(30)
    # session, user, roles, the three of tracing.overview
    with django_assert_max_num_queries(6):
        assert client.get(URL).status_code == 200


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def test_each_table_downloads_as_csv(staff_client, indexes):
    client = staff_client(tracer_in=["0301"])
    response = client.get(f"{URL}eksport/smittested/")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="oversikt-0301-smittested-' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == ["Svar", "Antall", "Andel"]
    assert ["Skole eller barnehage", "1", "50,0 %"] in rows
    assert rows[-1] == ["Ikke oppgitt", "0", "0,0 %"]
    days = _csv(client.get(f"{URL}eksport/per-dag/"))
    assert days[0] == ["Dato", "Nye indekser", "Selvregistrert"]
    assert len(days) == 1 + 56
    assert days[1] == [local_today().strftime("%d.%m.%Y"), "1", "1"]  # newest first
    IndexFactory(infection_place="school")  # 2 of 3: 66.67 %, rounded, not cut off
    assert ["Skole eller barnehage", "2", "66,7 %"] in _csv(client.get(f"{URL}eksport/smittested/"))
    for slug in ("nokkeltall", "aldersgrupper", "risikogruppe"):
        assert client.get(f"{URL}eksport/{slug}/").status_code == 200
    assert client.get(f"{URL}eksport/personer/").status_code == 404


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg class=\"chart\".*?</svg>", page, flags=re.S)


def test_charts_are_well_formed_accessible_svg_tied_to_their_tables(staff_client, indexes):
    page = staff_client(tracer_in=["0301"]).get(URL).content.decode()
    charts = _svgs(page)
    assert len(charts) == 4  # per day, age groups, infection place, risk group
    for markup in charts:
        svg = ET.fromstring(markup)  # noqa: S314 - our own page: is it well-formed XML?
        assert svg.get("role") == "img"
        title = svg.find(f"{SVG}title")
        assert title is not None and title.text
        assert svg.get("aria-labelledby") == title.get("id")
        caption_id = svg.get("aria-describedby")
        assert re.search(rf'<caption id="{caption_id}">[^<]+</caption>', page), caption_id
        left, top, width, height = map(float, svg.get("viewBox").split())
        for rect in svg.iter(f"{SVG}rect"):
            x, y = float(rect.get("x")), float(rect.get("y"))
            assert left <= x and x + float(rect.get("width")) <= left + width + 0.01
            assert top <= y and y + float(rect.get("height")) <= top + height + 0.01
        # Coordinates are numbers as SVG reads them, never localized ("12,5").
        assert not re.search(r'(x|y|width|height)="[0-9]+,[0-9]', markup)


def test_no_inline_style_or_script_for_the_csp(staff_client, indexes):
    response = staff_client(tracer_in=["0301"]).get(URL)
    page = response.content.decode()
    assert " style=" not in page and "<style" not in page
    assert "<script>" not in page
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
