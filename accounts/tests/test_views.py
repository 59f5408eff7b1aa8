"""Staff login (argon2, lockout), logout (POST), and the access log for administrators (B-4)."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import AccessLogEntry
from tests.factories import StaffFactory, new_fnr

pytestmark = pytest.mark.django_db

PASSWORD = "et-langt-testpassord"
LOGIN = "/smittesporing/logg-inn/"
FAILED = "Feil brukernavn eller passord."
LOCKED = "For mange mislykkede innloggingsforsøk"


def _login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_login_page_has_labelled_fields_and_button(client):
    response = client.get(LOGIN)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_username">Brukernavn</label>' in body
    assert 'for="id_password">Passord</label>' in body
    assert ">Logg inn</button>" in body


def test_tracer_logs_in_and_lands_on_todays_worklist(client):
    StaffFactory(username="kari", password=PASSWORD, tracer_in=["0301"])
    response = _login(client, "kari")
    assert response.status_code == 302
    assert response["Location"] == "/smittesporing/arbeidsliste/i-dag/"
    assert SESSION_KEY in client.session


def test_admin_only_lands_on_the_access_log(client):
    StaffFactory(username="ada", password=PASSWORD, admin_in=["0301"])
    response = _login(client, "ada")
    assert response["Location"] == "/smittesporing/tilgangslogg/"


def test_login_follows_a_safe_next_only(client):
    StaffFactory(username="kari", password=PASSWORD, tracer_in=["0301"])
    response = _login(client, "kari", next="/smittesporing/indeks/ny/")
    assert response["Location"] == "/smittesporing/indeks/ny/"
    client.logout()
    response = _login(client, "kari", next="https://evil.example/smittesporing/")
    assert response["Location"] == "/smittesporing/arbeidsliste/i-dag/"


def test_login_clears_a_citizen_session(citizen_client):
    client = citizen_client(new_fnr())
    StaffFactory(username="kari", password=PASSWORD, tracer_in=["0301"])
    _login(client, "kari")
    assert "citizen_pid" not in client.session


def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    StaffFactory(username="kari", password=PASSWORD, tracer_in=["0301"])
    wrong = _login(client, "kari", "feil-passord-her")
    unknown = _login(client, "finnes.ikke", "feil-passord-her")
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert FAILED in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_user_without_roles_cannot_log_in(client):
    StaffFactory(username="ingen", password=PASSWORD)
    response = _login(client, "ingen")
    assert response.status_code == 400
    assert "ingen rolle" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_inactive_user_cannot_log_in(client):
    StaffFactory(username="kari", password=PASSWORD, tracer_in=["0301"], is_active=False)
    assert FAILED in _login(client, "kari").content.decode()


@pytest.mark.parametrize("username", ["kari", "finnes.ikke"])
def test_five_failures_lock_the_username_for_fifteen_minutes(client, username):
    StaffFactory(username="kari", password=PASSWORD, tracer_in=["0301"])
    start = timezone.now()
    with freeze_time(start) as clock:
        for _ in range(4):
            assert FAILED in _login(client, username, "feil-passord-her").content.decode()
            clock.tick(datetime.timedelta(seconds=30))
        assert LOCKED in _login(client, username, "feil-passord-her").content.decode()
        # Locked: even the right password is refused, with the same message for everyone.
        clock.tick(datetime.timedelta(minutes=14))
        response = _login(client, username)
        assert LOCKED in response.content.decode()
        assert SESSION_KEY not in client.session
        clock.tick(datetime.timedelta(minutes=2))
        response = _login(client, username)
    if username == "kari":
        assert response.status_code == 302
    else:
        assert FAILED in response.content.decode()


def test_logout_is_post_only(client):
    user = StaffFactory(tracer_in=["0301"])
    client.force_login(user)
    assert client.get("/smittesporing/logg-ut/").status_code == 405
    assert SESSION_KEY in client.session
    response = client.post("/smittesporing/logg-ut/", follow=True)
    assert SESSION_KEY not in client.session
    assert "Du er logget ut." in response.content.decode()


def _entry(user, *, number="0301", fnr="", allowed=True):
    return AccessLogEntry.objects.create(
        user=user,
        username=user.username,
        role="tracer",
        municipality_id=number,
        object_type="index",
        object_id=7,
        person_id=3,
        person_fnr=fnr,
        index_id=7,
        action="view",
        allowed=allowed,
    )


def test_access_log_is_for_administrators_only(staff_client):
    client = staff_client(tracer_in=["0301"])
    assert client.get("/smittesporing/tilgangslogg/").status_code == 403


def test_access_log_anonymous_is_sent_to_login(client):
    response = client.get("/smittesporing/tilgangslogg/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=")


def test_admin_sees_entries_of_own_municipality_only(staff_client):
    client = staff_client(admin_in=["0301"])
    tracer = StaffFactory(username="oslo.tracer")
    other = StaffFactory(username="bergen.tracer")
    _entry(tracer, number="0301")
    _entry(other, number="4601")
    body = client.get("/smittesporing/tilgangslogg/").content.decode()
    assert "oslo.tracer" in body
    assert "bergen.tracer" not in body


def test_search_by_fnr_is_a_post_and_is_itself_logged(staff_client):
    client = staff_client(admin_in=["0301"])
    tracer = StaffFactory(username="oslo.tracer")
    fnr, other_fnr = new_fnr(), new_fnr()
    _entry(tracer, fnr=fnr)
    _entry(StaffFactory(username="annen.tracer"), fnr=other_fnr)
    response = client.post("/smittesporing/tilgangslogg/", {"fnr": fnr})
    body = response.content.decode()
    assert response.status_code == 200
    assert "oslo.tracer" in body and "annen.tracer" not in body
    assert fnr not in response.request["PATH_INFO"] + response.request.get("QUERY_STRING", "")
    assert (
        AccessLogEntry.objects.filter(
            user=client.staff_user, person_fnr=fnr, action="log_search", role="admin"
        ).count()
        == 1
    )


def test_search_with_an_invalid_fnr_shows_an_error(staff_client):
    client = staff_client(admin_in=["0301"])
    body = client.post("/smittesporing/tilgangslogg/", {"fnr": "12345678901"}).content.decode()
    assert "Ugyldig fødselsnummer" in body


def test_csv_export_for_one_person(staff_client):
    client = staff_client(admin_in=["0301"])
    fnr = new_fnr()
    _entry(StaffFactory(username="oslo.tracer"), fnr=fnr)
    _entry(StaffFactory(username="oslo.nekta"), fnr=fnr, allowed=False)
    _entry(StaffFactory(username="bergen.tracer"), fnr=fnr, number="4601")
    _entry(StaffFactory(username="annen.person"), fnr=new_fnr())
    response = client.post(reverse("accounts:access_log_export"), {"fnr": fnr})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert lines[0].startswith("Tidspunkt;Brukernavn;Rolle;Kommune;Handling")
    body = "\n".join(lines[1:])
    assert "oslo.tracer" in body and "oslo.nekta" in body and ";nei" in body
    assert "bergen.tracer" not in body and "annen.person" not in body
    assert AccessLogEntry.objects.filter(action="log_export", person_fnr=fnr).count() == 1


def test_csv_export_refuses_get(staff_client):
    client = staff_client(admin_in=["0301"])
    assert client.get(reverse("accounts:access_log_export")).status_code == 405


def test_a_failed_login_puts_the_focus_on_what_to_put_right(client):
    """Empty fields: the error summary takes the focus. A wrong password: the one message does
    (the same whether or not the username exists)."""
    StaffFactory(username="kari", password=PASSWORD, tracer_in=["0301"])
    empty = client.post(LOGIN, {"username": "", "password": ""}).content.decode()
    assert '<div class="ds-error-summary" tabindex="-1" autofocus' in empty
    assert empty.count("autofocus") == 1 and FAILED not in empty
    wrong = _login(client, "kari", "feil-passord").content.decode()
    assert 'role="alert" tabindex="-1" autofocus><p class="ds-paragraph">' + FAILED in wrong
    assert wrong.count("autofocus") == 1
