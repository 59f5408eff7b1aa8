"""Bulk actions on worklist rows, «Finn på fødselsnummer» and the «Mulig duplikat» filter
(B-1, B-2, B-4, D-1c/D-2d)."""

import datetime
import logging
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccessLogEntry
from tests.factories import IndexFactory, new_fnr
from tracing.models import Index
from tracing.rules import RULE_DESCRIPTIONS

pytestmark = pytest.mark.django_db

OSLO, BERGEN = "0301", "4601"
TODAY_URL = "/smittesporing/arbeidsliste/i-dag/"
SELFREG_URL = "/smittesporing/arbeidsliste/selvregistrerte/"
BULK_URL = TODAY_URL + "valgte/"
SEARCH_URL = TODAY_URL + "finn/"


def _urls(body: str) -> list[str]:
    return re.findall(r'(?:href|action)="([^"]*)"', body)


def _plan(body: str) -> str:
    return re.search(r'name="plan" value="([^"]+)"', body).group(1)


def _statuses(indexes) -> list[str]:
    return [Index.objects.get(pk=i.pk).status for i in indexes]


def _confirm(client, indexes, **data):
    """Step one: tick the rows and press a button; answers the confirmation page."""
    data.setdefault("handling", "avslutt")
    response = client.post(
        BULK_URL, {"valgt": [str(i.pk) for i in indexes], "neste": TODAY_URL, **data}
    )
    assert response.status_code == 200, response.content.decode()
    return response


def _apply(client, confirmation):
    body = confirmation.content.decode()
    return client.post(BULK_URL, {"plan": _plan(body), "bekreft": "ja", "neste": TODAY_URL})


# --- the worklist page ---


def test_each_row_has_a_checkbox_named_by_the_person_and_no_fnr_in_any_url(staff_client):
    client = staff_client(tracer_in=[OSLO])
    index = IndexFactory(person__first_name="Kari", person__last_name="Nordmann")
    body = client.get(TODAY_URL).content.decode()
    assert f'name="valgt" value="{index.pk}" form="bulk-form" id="valgt-{index.pk}"' in body
    assert f'<label class="ds-sr-only" for="valgt-{index.pk}">Velg Nordmann, Kari</label>' in body
    assert 'id="bulk-form" method="post"' in body
    # The search by fødselsnummer is a POST form of its own, its number not remembered.
    assert f'<form method="post" action="{SEARCH_URL}"' in body
    assert re.search(r'<input[^>]*name="fnr"[^>]*autocomplete="off"', body)
    assert not [u for u in _urls(body) if index.fnr in u]


# --- bulk actions ---


def test_bulk_close_asks_first_listing_each_change_then_closes_all(staff_client):
    client = staff_client(tracer_in=[OSLO])
    kari = IndexFactory(person__first_name="Kari", person__last_name="Nordmann")
    ola = IndexFactory(person__first_name="Ola", person__last_name="Hansen")
    confirmation = _confirm(client, [kari, ola])
    body = confirmation.content.decode()
    assert "Vil du avslutte 2 indekser?" in body
    assert "Nordmann, Kari: Aktiv → Avsluttet" in body
    assert "Hansen, Ola: Aktiv → Avsluttet" in body
    assert _statuses([kari, ola]) == ["active", "active"]  # nothing yet
    assert set(AccessLogEntry.objects.values_list("action", flat=True)) == {"view"}
    assert kari.fnr not in body

    response = _apply(client, confirmation)
    assert response.status_code == 302
    assert response["Location"] == TODAY_URL
    assert _statuses([kari, ola]) == ["closed", "closed"]
    closed = AccessLogEntry.objects.filter(action="close")
    assert sorted(closed.values_list("index_id", flat=True)) == sorted([kari.pk, ola.pk])
    assert "2 indekser er avsluttet." in client.get(TODAY_URL).content.decode()


def test_bulk_follow_up_sets_the_date_on_all(staff_client):
    client = staff_client(tracer_in=[OSLO])
    indexes = IndexFactory.create_batch(3)
    date = timezone.localdate() + datetime.timedelta(days=2)
    confirmation = _confirm(client, indexes, handling="oppfolging", oppfolging=date.isoformat())
    assert f"→ {date:%d.%m.%Y}" in confirmation.content.decode()
    assert _apply(client, confirmation).status_code == 302
    assert {Index.objects.get(pk=i.pk).follow_up_on for i in indexes} == {date}
    assert AccessLogEntry.objects.filter(action="follow_up").count() == 3


def test_no_row_ticked_goes_back_to_the_list_with_a_message(staff_client):
    client = staff_client(tracer_in=[OSLO])
    IndexFactory()
    response = client.post(BULK_URL, {"handling": "avslutt", "neste": TODAY_URL + "?antall=10"})
    assert response.status_code == 302
    assert response["Location"] == TODAY_URL + "?antall=10"
    assert "Velg minst én rad i listen." in client.get(response["Location"]).content.decode()


def test_neste_elsewhere_is_not_followed(staff_client):
    client = staff_client(tracer_in=[OSLO])
    response = client.post(BULK_URL, {"handling": "avslutt", "neste": "https://example.org/"})
    assert response["Location"] == TODAY_URL


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Skriv inn datoen for neste oppfølging."),
        ("2001-01-01", "Neste oppfølging kan ikke være tilbake i tid."),
        ("31.02.2030", "gyldig dato"),
    ],
)
def test_a_missing_or_wrong_date_is_asked_again_with_the_rows_kept(staff_client, typed, message):
    client = staff_client(tracer_in=[OSLO])
    indexes = IndexFactory.create_batch(2, person__last_name="Valgt")
    response = client.post(
        BULK_URL,
        {
            "valgt": [str(i.pk) for i in indexes],
            "handling": "oppfolging",
            "oppfolging": typed,
            "neste": TODAY_URL,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'id="id_oppfolging_error"' in body
    for index in indexes:
        assert f'name="valgt" value="{index.pk}"' in body
    assert body.count("<li>Valgt, ") == 2
    if typed:
        assert f'value="{typed}"' in body


def test_a_row_closed_meanwhile_refuses_all_and_changes_nothing(staff_client):
    client = staff_client(tracer_in=[OSLO])
    first, middle, last = IndexFactory.create_batch(3)
    confirmation = _confirm(client, [first, middle, last])
    # Another tracer closes the middle one between the confirmation and the click.
    Index.objects.filter(pk=middle.pk).update(status="closed", closed_at=timezone.now())
    response = _apply(client, confirmation)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Ingenting ble endret" in body
    assert f"Syntetisk, {middle.person.first_name}: Indeksen er endret av noen andre" in body
    assert _statuses([first, last]) == ["active", "active"]


def test_a_row_moved_out_of_the_users_municipalities_refuses_all(staff_client):
    client = staff_client(tracer_in=[OSLO])
    first, moved = IndexFactory.create_batch(2)
    confirmation = _confirm(client, [first, moved])
    Index.objects.filter(pk=moved.pk).update(municipality_id=BERGEN)
    response = _apply(client, confirmation)
    assert response.status_code == 409
    assert "1 av de valgte indeksene finnes ikke lenger i dine kommuner." in (
        response.content.decode()
    )
    assert _statuses([first, moved]) == ["active", "active"]
    denied = AccessLogEntry.objects.get(allowed=False)
    assert (denied.object_id, denied.action) == (moved.pk, "close")


def test_another_municipalitys_row_is_refused_at_once_like_a_missing_one(staff_client):
    client = staff_client(tracer_in=[OSLO])
    own = IndexFactory()
    other = IndexFactory(person__municipality_id=BERGEN)
    answers = [
        client.post(BULK_URL, {"valgt": [own.pk, pk], "handling": "avslutt"})
        for pk in (other.pk, 10**12)
    ]
    assert [a.status_code for a in answers] == [409, 409]
    for answer in answers:
        assert "1 av de valgte indeksene finnes ikke lenger i dine kommuner." in (
            answer.content.decode()
        )
    assert other.person.first_name not in answers[0].content.decode()
    assert _statuses([own, other]) == ["active", "active"]


def test_an_already_closed_row_is_refused_before_the_confirmation(staff_client):
    client = staff_client(tracer_in=[OSLO])
    active = IndexFactory(self_registered=True)
    closed = IndexFactory(self_registered=True, closed=True)
    response = client.post(
        SELFREG_URL + "valgte/",
        {"valgt": [active.pk, closed.pk], "handling": "avslutt", "neste": SELFREG_URL},
    )
    assert response.status_code == 409
    assert "Indeksen er allerede avsluttet." in response.content.decode()
    assert SELFREG_URL in _urls(response.content.decode())
    assert _statuses([active]) == ["active"]


def test_a_tampered_or_someone_elses_confirmation_is_refused(staff_client, client):
    tracer = staff_client(tracer_in=[OSLO])
    index = IndexFactory()
    plan = _plan(_confirm(tracer, [index]).content.decode())
    bad = tracer.post(BULK_URL, {"plan": plan[:-2] + "xx", "bekreft": "ja"})
    assert bad.status_code == 400
    assert "Velg radene på nytt" in bad.content.decode()
    other = staff_client(tracer_in=[OSLO])  # logs the same test client in as someone else
    assert other.post(BULK_URL, {"plan": plan, "bekreft": "ja"}).status_code == 400
    assert _statuses([index]) == ["active"]


# --- «Finn på fødselsnummer» ---


def test_search_answers_the_post_with_the_hits_and_logs_a_search(staff_client):
    client = staff_client(tracer_in=[OSLO])
    index = IndexFactory(person__first_name="Kari", person__last_name="Nordmann")
    IndexFactory()
    response = client.post(SEARCH_URL, {"fnr": index.fnr})
    assert response.status_code == 200  # no redirect: the number would have to ride in a URL
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.content.decode()
    assert f'href="/smittesporing/indeks/{index.pk}/"' in body
    assert "Nordmann, Kari" in body
    assert len(re.findall(r"/smittesporing/indeks/\d+/", body)) == 1
    assert not [u for u in _urls(body) if index.fnr in u]
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.index_id, entry.user) == ("search", index.pk, client.staff_user)


def test_search_answers_only_within_the_users_municipalities(staff_client):
    client = staff_client(tracer_in=[OSLO])
    bergen = IndexFactory(person__municipality_id=BERGEN, person__first_name="Bergenser")
    body = client.post(SEARCH_URL, {"fnr": bergen.fnr}).content.decode()
    assert "Ingen indekser med dette fødselsnummeret i dine kommuner." in body
    assert "Bergenser" not in body
    assert AccessLogEntry.objects.get().person_fnr == bergen.fnr


def test_an_invalid_number_is_a_field_error_with_the_typed_value_kept(staff_client):
    client = staff_client(tracer_in=[OSLO])
    fnr = new_fnr()
    wrong = fnr[:-1] + str((int(fnr[-1]) + 1) % 10)
    response = client.post(SEARCH_URL, {"fnr": wrong})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_fnr_error"' in body
    assert f'value="{wrong}"' in body
    assert not AccessLogEntry.objects.exists()


def test_the_number_reaches_no_log_line(staff_client, caplog):
    client = staff_client(tracer_in=[OSLO])
    index = IndexFactory()
    fnr = new_fnr()
    with caplog.at_level(logging.DEBUG):
        client.post(SEARCH_URL, {"fnr": index.fnr})
        client.post(SEARCH_URL, {"fnr": fnr[:10]})  # a 400: Django logs «Bad Request»
    assert caplog.records
    for record in caplog.records:
        assert index.fnr not in record.getMessage()
        assert fnr[:10] not in record.getMessage()


def test_a_get_of_the_search_goes_back_to_the_list(staff_client):
    response = staff_client(tracer_in=[OSLO]).get(SEARCH_URL)
    assert (response.status_code, response["Location"]) == (302, TODAY_URL)


# --- «Mulig duplikat» ---


def test_possible_duplicate_filter_shows_d1c_and_d2d_rows_with_the_rules_explained(staff_client):
    client = staff_client(tracer_in=[OSLO])
    d1c = IndexFactory(duplicate_rule="D-1c", person__possible_duplicate=True)
    d2d = IndexFactory(duplicate_rule="D-2d", person__possible_duplicate=True)
    plain = IndexFactory(duplicate_rule="D-0")
    response = client.post(TODAY_URL, {"duplikat": "ja"})
    assert response.status_code == 302
    assert "duplikat=ja" in response["Location"]
    body = client.get(response["Location"]).content.decode()
    assert f"/indeks/{d1c.pk}/" in body
    assert f"/indeks/{d2d.pk}/" in body
    assert f"/indeks/{plain.pk}/" not in body
    assert "Mulig duplikat (D-1c)" in body
    assert "Mulig duplikat (D-2d)" in body
    assert str(RULE_DESCRIPTIONS["D-1c"]) in body
    assert str(RULE_DESCRIPTIONS["D-2d"]) in body


def test_without_the_filter_a_duplicate_row_is_still_marked_and_explained(staff_client):
    client = staff_client(tracer_in=[OSLO])
    IndexFactory(duplicate_rule="D-1c")
    IndexFactory(duplicate_rule="D-0")
    body = client.get(TODAY_URL).content.decode()
    assert body.count("Mulig duplikat (") == 1
    assert str(RULE_DESCRIPTIONS["D-1c"]) in body
    assert str(RULE_DESCRIPTIONS["D-2d"]) not in body


# --- query budgets ---


def _queries(client, data) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.post(BULK_URL, data)
    return len(captured), response


def test_a_bulk_action_costs_a_fixed_number_of_queries_per_row(staff_client):
    """The session, user and roles, one read and one log INSERT for all rows, then per row the
    single-index service's own lock, check and UPDATE (in a savepoint): 4 queries a row."""
    client = staff_client(tracer_in=[OSLO])
    counts = {}
    for n in (2, 6):
        indexes = IndexFactory.create_batch(n)
        confirm_count, confirmation = _queries(
            client, {"valgt": [i.pk for i in indexes], "handling": "avslutt"}
        )
        plan = _plan(confirmation.content.decode())
        apply_count, applied = _queries(client, {"plan": plan, "bekreft": "ja"})
        assert applied.status_code == 302
        counts[n] = (confirm_count, apply_count)
    assert counts[6][0] - counts[2][0] == 4 * 4
    assert counts[6][1] - counts[2][1] == 4 * 4
    assert counts[2][1] <= 8 + 2 * 4


def test_the_search_costs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    client = staff_client(tracer_in=[OSLO, BERGEN])
    index = IndexFactory()
    IndexFactory.create_batch(3, person=index.person, closed=True)
    with django_assert_max_num_queries(5):
        response = client.post(SEARCH_URL, {"fnr": index.fnr})
    assert response.content.decode().count("/smittesporing/indeks/") >= 4


def test_more_rows_than_a_page_or_a_bad_id_is_refused_with_a_message(staff_client):
    client = staff_client(tracer_in=[OSLO])
    for valgt, message in (
        ([str(n) for n in range(1, 102)], "Velg høyst 100 rader om gangen."),
        (["abc"], "Ugyldig valg."),
        (["²"], "Ugyldig valg."),
        (["9" * 5000], "Ugyldig valg."),  # found by S8: too long for int() (a 500)
    ):
        response = client.post(BULK_URL, {"valgt": valgt, "handling": "avslutt"})
        assert response.status_code == 302
        assert message in client.get(response["Location"]).content.decode()
    assert not AccessLogEntry.objects.filter(object_type="index").exists()
