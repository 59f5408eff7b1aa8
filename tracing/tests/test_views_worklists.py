"""Worklist pages (B-2, I-2, I-3): paging, sorting, filters, column chooser, CSV, query budget."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone

from accounts.models import AccessLogEntry
from tests.factories import IndexFactory, StaffFactory, new_fnr
from tracing.models import RegisteredByKind, WorklistPreference
from tracing.services import RegisteredBy, Registration, index_register

pytestmark = pytest.mark.django_db

OSLO, BERGEN = "0301", "4601"
TODAY_URL = "/smittesporing/arbeidsliste/i-dag/"
SELFREG_URL = "/smittesporing/arbeidsliste/selvregistrerte/"


def _selfregister(fnr=None, municipality=OSLO, first_name="Selma"):
    return index_register(
        registration=Registration(
            fnr=fnr or new_fnr(),
            first_name=first_name,
            last_name="Selvregistrert",
            test_date_from=timezone.localdate(),
            no_symptoms=True,
        ),
        municipality_number=municipality,
        registered_by=RegisteredBy(kind=RegisteredByKind.SELF),
        self_registered=True,
    ).index


def _hrefs(body: str) -> list[str]:
    return re.findall(r'(?:href|action)="([^"]*)"', body)


def test_anonymous_is_sent_to_login(client):
    response = client.get(TODAY_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/smittesporing/logg-inn/?next=")


def test_unknown_worklist_is_404(staff_client):
    assert (
        staff_client(tracer_in=[OSLO]).get("/smittesporing/arbeidsliste/alle/").status_code == 404
    )


def test_i2_a_new_self_registration_is_on_both_worklists(staff_client):
    client = staff_client(tracer_in=[OSLO])
    index = _selfregister(first_name="Selma")
    for url in (TODAY_URL, SELFREG_URL):
        body = client.get(url).content.decode()
        assert f'href="/smittesporing/indeks/{index.pk}/"' in body
        assert "Selma" in body


def test_lists_show_only_my_municipalities(staff_client):
    client = staff_client(tracer_in=[OSLO])
    _selfregister(first_name="Osloperson")
    _selfregister(first_name="Bergenperson", municipality=BERGEN)
    body = client.get(SELFREG_URL).content.decode()
    assert "Osloperson" in body and "Bergenperson" not in body
    assert 'name="kommune"' not in body  # one municipality: no municipality filter


def test_municipality_filter_for_tracers_of_several(staff_client):
    client = staff_client(tracer_in=[OSLO, BERGEN])
    _selfregister(first_name="Osloperson")
    _selfregister(first_name="Bergenperson", municipality=BERGEN)
    body = client.get(SELFREG_URL).content.decode()
    assert "Osloperson" in body and "Bergenperson" in body
    body = client.get(SELFREG_URL, {"kommune": BERGEN}).content.decode()
    assert "Osloperson" not in body and "Bergenperson" in body
    # A municipality the tracer does not belong to is refused by the form, and widens nothing.
    IndexFactory(
        self_registered=True, person__municipality_id="5001", person__first_name="Trondperson"
    )
    body = client.get(SELFREG_URL, {"kommune": "5001"}).content.decode()
    assert "Trondperson" not in body


def test_pagination_and_page_size(staff_client):
    client = staff_client(tracer_in=[OSLO])
    IndexFactory.create_batch(23)
    response = client.get(TODAY_URL, {"antall": "10", "side": "3"})
    body = response.content.decode()
    assert body.count('<th scope="row">') == 3
    assert "23 indekser" in body
    # Designsystemet marks the current page by aria-current="true".
    pagination = body[body.index('<nav class="ds-pagination"') :]
    pagination = pagination[: pagination.index("</nav>")]
    assert re.search(r'side=3" aria-current="true" aria-label="Side 3"', pagination)
    assert pagination.count("aria-current=") == 1 and "side=2" in pagination
    # The last page has no «Neste»: a hidden placeholder, never an empty item (drawn as «…»).
    assert "<li></li>" not in pagination
    assert (
        '<span class="ds-button" data-variant="tertiary" aria-hidden="true">'
        '<span class="pagination__label">Neste</span></span>'
    ) in pagination
    # A bad page number or size falls back instead of failing.
    assert client.get(TODAY_URL, {"antall": "7", "side": "x"}).status_code == 200


def test_sort_links_are_links_and_flip_direction(staff_client):
    client = staff_client(tracer_in=[OSLO])
    IndexFactory(person__last_name="Aas")
    IndexFactory(person__last_name="Berg")
    body = client.get(TODAY_URL, {"sorter": "navn", "retning": "stigende"}).content.decode()
    assert body.index("Aas") < body.index("Berg")
    assert 'aria-sort="ascending"' in body
    assert re.search(
        r'<a class="sort-link" href="\?sorter=navn&amp;retning=synkende[^"]*">Navn', body
    )
    body = client.get(TODAY_URL, {"sorter": "navn", "retning": "synkende"}).content.decode()
    assert body.index("Berg") < body.index("Aas")
    # Not a whitelisted column: the default sort, no error.
    assert client.get(TODAY_URL, {"sorter": "person__fnr"}).status_code == 200


def test_filters_in_the_page(staff_client):
    client = staff_client(tracer_in=[OSLO])
    IndexFactory(self_registered=True, person__first_name="Selma")
    IndexFactory(self_registered=False, person__first_name="Laila")
    body = client.get(TODAY_URL, {"selvregistrert": "ja"}).content.decode()
    assert "Selma" in body and "Laila" not in body
    body = client.post(TODAY_URL, {"navn": "lai"}, follow=True).content.decode()
    assert "Selma" not in body and "Laila" in body


def test_name_search_refuses_digits_so_no_fnr_lands_in_a_url(staff_client):
    client = staff_client(tracer_in=[OSLO])
    index = IndexFactory(person__first_name="Kari")
    response = client.post(TODAY_URL, {"navn": index.fnr})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Fødselsnummer kan ikke brukes i dette søket" in body
    # The bad field is ignored, not used, and the number is not echoed into any link.
    assert all(index.fnr not in href for href in _hrefs(body))


def test_s10_the_name_search_is_posted_and_no_name_lands_in_a_url(staff_client):
    """S10: the filter form is a POST; the list's URL carries a token for the name search,
    kept in the tracer's session, so the name never reaches a URL, a server log or history."""
    client = staff_client(tracer_in=[OSLO])
    IndexFactory(person__first_name="Laila", person__last_name="Aasmundstad")
    IndexFactory(person__first_name="Selma")
    response = client.post(TODAY_URL, {"navn": "aasmund", "sorter": "navn", "antall": "25"})
    assert response.status_code == 302
    location = response["Location"]
    assert "aasmund" not in location.lower()
    assert "navnesok=" in location and "sorter=navn" in location
    body = client.get(location).content.decode()
    assert "Laila" in body and "Selma" not in body
    assert 'value="aasmund"' in body  # the field shows what was searched for
    assert all("aasmund" not in href.lower() for href in _hrefs(body))
    # The sort, page and export links carry the token and keep the search.
    sort_link = re.search(r'<a class="sort-link" href="\?([^"]*)"', body).group(1)
    assert "navnesok=" in sort_link.replace("&amp;", "&")
    export = client.get(
        SELFREG_URL.replace("selvregistrerte", "i-dag") + "eksport/?" + (location.split("?", 1)[1])
    )
    csv = b"".join(export.streaming_content).decode()
    assert "Aasmundstad" in csv and "Selma" not in csv


def test_s10_a_name_in_the_query_string_is_ignored(staff_client):
    client = staff_client(tracer_in=[OSLO])
    IndexFactory(person__first_name="Laila")
    IndexFactory(person__first_name="Selma")
    body = client.get(TODAY_URL, {"navn": "lai"}).content.decode()
    assert "Laila" in body and "Selma" in body


def test_s10_another_sessions_token_finds_nothing(staff_client, client):
    first = staff_client(tracer_in=[OSLO])
    IndexFactory(person__first_name="Laila")
    IndexFactory(person__first_name="Selma")
    location = first.post(TODAY_URL, {"navn": "lai"})["Location"]
    first.logout()
    other = staff_client(tracer_in=[OSLO])
    body = other.get(location).content.decode()
    assert "Laila" in body and "Selma" in body


def test_no_fnr_in_any_link_of_the_list(staff_client):
    client = staff_client(tracer_in=[OSLO])
    index = IndexFactory()
    body = client.get(TODAY_URL).content.decode()
    assert all(index.fnr not in href for href in _hrefs(body))


def test_i3_column_chooser_saves_per_tracer_and_shows_selvregistrert(staff_client, client):
    tracer = staff_client(tracer_in=[OSLO])
    IndexFactory(self_registered=True, person__first_name="Selma")
    body = tracer.get(TODAY_URL).content.decode()
    assert "Velg kolonner" in body
    assert '<th scope="col"' in body and ">Selvregistrert<" in body  # offered in the chooser
    assert not re.search(r'<th scope="col"[^>]*>\s*<a[^>]*>Selvregistrert', body)
    response = tracer.post(
        "/smittesporing/arbeidsliste/i-dag/kolonner/",
        {"kolonner": ["selvregistrert", "status"], "neste": TODAY_URL + "?antall=10"},
    )
    assert response.status_code == 302
    assert response["Location"] == TODAY_URL + "?antall=10"
    assert WorklistPreference.objects.get(user=tracer.staff_user).columns == [
        "navn",
        "selvregistrert",
        "status",
    ]
    body = tracer.get(TODAY_URL).content.decode()
    assert re.search(r'<th scope="col"[^>]*>\s*<a[^>]*>Selvregistrert', body)
    assert "<td>JA</td>" in body
    assert ">Opprettet<" not in body.split("<tbody>")[0].split("<table")[1]
    # Another tracer still has the default columns.
    other = StaffFactory(tracer_in=[OSLO])
    client.force_login(other)
    body = client.get(TODAY_URL).content.decode()
    assert not re.search(r'<th scope="col"[^>]*>\s*<a[^>]*>Selvregistrert', body)


def test_column_chooser_never_redirects_elsewhere(staff_client):
    client = staff_client(tracer_in=[OSLO])
    for target in ("https://evil.example/", "//evil.example/", "/smittesporing/tilgangslogg/"):
        response = client.post(
            "/smittesporing/arbeidsliste/i-dag/kolonner/", {"kolonner": ["status"], "neste": target}
        )
        assert response["Location"] == TODAY_URL


def test_column_chooser_is_post_only(staff_client):
    client = staff_client(tracer_in=[OSLO])
    assert client.get("/smittesporing/arbeidsliste/i-dag/kolonner/").status_code == 405


def test_b4_every_row_shown_is_logged(staff_client):
    client = staff_client(tracer_in=[OSLO])
    indexes = IndexFactory.create_batch(3)
    client.get(TODAY_URL)
    logged = AccessLogEntry.objects.filter(user=client.staff_user, action="list", allowed=True)
    assert set(logged.values_list("index_id", flat=True)) == {i.pk for i in indexes}
    assert set(logged.values_list("person_fnr", flat=True)) == {i.fnr for i in indexes}


@pytest.mark.parametrize("page_size", [10, 100])
def test_query_budget_whatever_the_page_size(
    staff_client, django_assert_max_num_queries, page_size
):
    client = staff_client(tracer_in=[OSLO, BERGEN])
    IndexFactory.create_batch(120, self_registered=True)
    IndexFactory.create_batch(5, self_registered=True, person__municipality_id=BERGEN)
    WorklistPreference.objects.create(
        user=client.staff_user,
        worklist="selvregistrerte",
        columns=["navn", "fodselsdato", "kommune", "selvregistrert", "telefon", "provedato"],
    )
    # Possible duplicates on the page (marked, their rules explained) cost no query more.
    IndexFactory.create_batch(page_size, self_registered=True, duplicate_rule="D-1c")
    for url in (TODAY_URL, SELFREG_URL):
        for duplicates in ("", "ja"):
            with django_assert_max_num_queries(12):
                response = client.get(
                    url, {"antall": str(page_size), "sorter": "kommune", "duplikat": duplicates}
                )
            assert response.status_code == 200
            assert response.content.decode().count('<th scope="row">') == page_size


def test_csv_export_of_the_filtered_list(staff_client):
    client = staff_client(tracer_in=[OSLO])
    selma = IndexFactory(
        self_registered=True, person__first_name="Selma", person__phone="+4791234567"
    )
    IndexFactory(self_registered=False, person__first_name="Laila")
    WorklistPreference.objects.create(
        user=client.staff_user, worklist="i-dag", columns=["navn", "selvregistrert", "telefon"]
    )
    response = client.get("/smittesporing/arbeidsliste/i-dag/eksport/", {"selvregistrert": "ja"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().split("\r\n")
    assert lines == ["Navn;Selvregistrert;Telefon", "Syntetisk, Selma;JA;+4791234567"]
    exported = AccessLogEntry.objects.filter(action="export")
    assert list(exported.values_list("index_id", flat=True)) == [selma.pk]


def test_csv_export_holds_only_my_municipalities(staff_client):
    client = staff_client(tracer_in=[OSLO])
    IndexFactory(person__first_name="Osloperson")
    IndexFactory(person__first_name="Bergenperson", person__municipality_id=BERGEN)
    response = client.get("/smittesporing/arbeidsliste/i-dag/eksport/", {"kommune": BERGEN})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Osloperson" in text and "Bergenperson" not in text


def test_csv_export_keeps_the_leading_zero_of_a_fodselsnummer(staff_client):
    """A spreadsheet reads 05018012345 as a number and drops the zero: every fødselsnummer is
    written as a text formula of its digits (core.csvexport), CSV injection still defused."""
    client = staff_client(tracer_in=[OSLO])
    zero = IndexFactory(
        person__first_name="Nullstart", person__fnr=new_fnr(datetime.date(1980, 1, 5))
    )
    assert zero.fnr.startswith("0")
    WorklistPreference.objects.create(
        user=client.staff_user, worklist="i-dag", columns=["navn", "fodselsnummer"]
    )
    response = client.get("/smittesporing/arbeidsliste/i-dag/eksport/")
    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows == [["Navn", "Fødselsnummer"], ["Syntetisk, Nullstart", f'="{zero.fnr}"']]


def _row(body: str, name: str) -> str:
    start = body.index(name)
    return body[body.rindex("<tr>", 0, start) : body.index("</tr>", start)]


def test_an_overdue_follow_up_is_marked_by_text_and_icon(staff_client):
    """Overdue follow-ups are said in words next to the date, with an icon: not colour alone."""
    client = staff_client(tracer_in=[OSLO])
    today = timezone.localdate()
    IndexFactory(person__last_name="Forsinket", follow_up_on=today - datetime.timedelta(days=3))
    IndexFactory(person__last_name="Igaar", follow_up_on=today - datetime.timedelta(days=1))
    IndexFactory(person__last_name="Idag", follow_up_on=today)
    body = client.get(TODAY_URL).content.decode()
    late = _row(body, "Forsinket,")
    header = late[late.index('<th scope="row">') : late.index("</th>")]
    assert "Forsinket 3 dager" in header and 'class="overdue__icon"' in header
    assert 'aria-hidden="true"' in late  # the icon is decoration; the words carry it
    assert "Forsinket 1 dag<" in _row(body, "Igaar,")
    assert "overdue" not in _row(body, "Idag,")


def test_the_overdue_mark_is_by_the_name_whichever_columns_are_chosen(staff_client):
    """By the name: the row header, which stays in view when the table scrolls on a phone."""
    client = staff_client(tracer_in=[OSLO])
    WorklistPreference.objects.create(
        user=client.staff_user, worklist="i-dag", columns=["navn", "status"]
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    IndexFactory(person__last_name="Sent", follow_up_on=yesterday)
    row = _row(client.get(TODAY_URL).content.decode(), "Sent,")
    header = row[row.index('<th scope="row">') : row.index("</th>")]
    assert "Forsinket 1 dag" in header


def test_a_closed_index_is_never_overdue(staff_client):
    client = staff_client(tracer_in=[OSLO])
    long_ago = timezone.localdate() - datetime.timedelta(days=9)
    IndexFactory(
        self_registered=True, person__last_name="Lukket", follow_up_on=long_ago, closed=True
    )
    IndexFactory(self_registered=True, person__last_name="Aapen", follow_up_on=long_ago)
    body = client.get(SELFREG_URL).content.decode()
    assert "Forsinket" not in _row(body, "Lukket,")
    assert "Forsinket 9 dager" in _row(body, "Aapen,")


def test_the_index_page_marks_an_overdue_follow_up(staff_client):
    client = staff_client(tracer_in=[OSLO])
    index = IndexFactory(follow_up_on=timezone.localdate() - datetime.timedelta(days=2))
    body = client.get(f"/smittesporing/indeks/{index.pk}/").content.decode()
    assert "Forsinket 2 dager" in body and 'class="overdue__icon"' in body
