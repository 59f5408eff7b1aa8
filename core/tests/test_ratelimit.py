"""S9: rate limits on the citizen login start, the self-registration submission and the staff
login, per client address and per person (pid / username): 429 with Retry-After past the limit,
normal use unaffected; counted in the cache (local memory here, Redis in production)."""

import datetime
import socket

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.views import login_view
from core import ratelimit
from selfreg.auth_views import login as citizen_login_view
from selfreg.tests.portal import FORM, RECEIPT, choose, selfreg_on, valid_form
from selfreg.views_form import registration_form
from tests.factories import (
    StaffFactory,
    SyntheticKrrEntryFactory,
    SyntheticPersonFactory,
    new_fnr,
    synthetic_child_of,
    years_ago,
)
from tracing.models import Index

pytestmark = pytest.mark.django_db

PASSWORD = "et langt og trygt passord 42"
STAFF_LOGIN = "/smittesporing/logg-inn/"
CITIZEN_LOGIN = "/innlogget/logg-inn/"


def limits(settings, **overrides):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **overrides}


def assert_429(response):
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 3600
    assert "For mange forsøk" in response.content.decode()


@pytest.fixture
def citizen(db):
    selfreg_on("0301")
    person = SyntheticPersonFactory(first_name="Kari", last_name="Nordmann")
    SyntheticKrrEntryFactory(person=person)
    return person


# --- which views are limited ----------------------------------------------------------------


def test_s9_the_three_views_carry_their_limits():
    assert citizen_login_view.rate_limits == ("citizen_login_client",)
    # The portal view is wrapped by portal_page; the limit sits inside the login check.
    inner = registration_form.__wrapped__
    while not hasattr(inner, "rate_limits"):
        inner = inner.__wrapped__
    assert inner.rate_limits == ("selfreg_submit_client", "selfreg_submit_person")
    assert login_view.rate_limits == ("staff_login_client", "staff_login_username")


# --- citizen login start --------------------------------------------------------------------


def test_s9_citizen_login_start_is_limited_per_client(settings, citizen_client):
    limits(settings, citizen_login_client="3/600")
    client = citizen_client(new_fnr())  # logged in: the login start answers with a redirect
    for _ in range(3):
        assert client.get(CITIZEN_LOGIN).status_code == 302
    assert_429(client.get(CITIZEN_LOGIN))
    # Another client address is counted on its own.
    other = Client(REMOTE_ADDR="10.1.2.3")
    other.cookies = client.cookies
    assert other.get(CITIZEN_LOGIN).status_code == 302


# --- the self-registration submission -------------------------------------------------------


def test_s9_submission_is_limited_per_person(settings, citizen_client, citizen):
    limits(settings, selfreg_submit_person="3/3600")
    client = citizen_client(citizen.fnr)
    choose(client)
    bad = valid_form(test_date_from="")  # refused by validation: nothing registered
    for _ in range(3):
        assert client.post(FORM, bad).status_code == 200
    assert_429(client.post(FORM, valid_form()))
    assert not Index.objects.exists()
    # The GET of the form is not counted.
    assert client.get(FORM).status_code == 200
    # The same person from another address is still limited: the count is per person.
    other = Client(REMOTE_ADDR="10.9.9.9")
    other.cookies = client.cookies
    assert_429(other.post(FORM, valid_form()))


def test_s9_submission_is_limited_per_client(settings, citizen_client, citizen):
    limits(settings, selfreg_submit_client="2/600")
    first = citizen_client(citizen.fnr)
    choose(first)
    assert first.post(FORM, valid_form()).url == RECEIPT
    second_person = SyntheticPersonFactory()
    second = citizen_client(second_person.fnr)  # the same test client: same address
    choose(second)
    assert second.post(FORM, valid_form(email="")).status_code in (200, 302)
    assert_429(second.post(FORM, valid_form()))


# --- staff login ----------------------------------------------------------------------------


def test_s9_staff_login_is_limited_per_username(settings, client):
    limits(settings, staff_login_username="3/600")
    StaffFactory(username="kari", password=PASSWORD, tracer_in=["0301"])
    for n in range(3):
        Client(REMOTE_ADDR=f"10.0.0.{n + 1}").post(
            STAFF_LOGIN, {"username": "Kari", "password": "feil"}
        )
    # From a fourth address, with the right password: the username has used its allowance.
    response = Client(REMOTE_ADDR="10.0.0.9").post(
        STAFF_LOGIN, {"username": "kari", "password": PASSWORD}
    )
    assert_429(response)
    # Another username is not affected.
    StaffFactory(username="ola", password=PASSWORD, tracer_in=["0301"])
    other = Client(REMOTE_ADDR="10.0.0.9").post(
        STAFF_LOGIN, {"username": "ola", "password": PASSWORD}
    )
    assert other.status_code == 302


def test_s9_staff_login_is_limited_per_client(settings, client):
    limits(settings, staff_login_client="3/600")
    for n in range(3):
        client.post(STAFF_LOGIN, {"username": f"gjest{n}", "password": "feil"})
    assert_429(client.post(STAFF_LOGIN, {"username": "gjest9", "password": "feil"}))
    # The login page itself (GET) is not counted.
    assert client.get(STAFF_LOGIN).status_code == 200


# --- normal use -----------------------------------------------------------------------------


def test_s9_normal_use_is_unaffected_with_the_default_limits(citizen_client, citizen):
    """A parent registers themself and two children, making a typing error each time; a tracer
    mistypes the password once and logs in. Nothing meets a limit."""
    synthetic_child_of(citizen, birth_date=years_ago(9), first_name="Ola")
    synthetic_child_of(citizen, birth_date=years_ago(5), first_name="Per")
    client = citizen_client(citizen.fnr)
    for who in ("Meg selv", "Ola Nordmann", "Per Nordmann"):
        assert client.get(CITIZEN_LOGIN).status_code == 302
        choose(client, who=who)
        assert client.post(FORM, valid_form(test_date_from="not a date")).status_code == 200
        assert client.post(FORM, valid_form()).url == RECEIPT
    assert Index.objects.count() == 3

    StaffFactory(username="kari", password=PASSWORD, tracer_in=["0301"])
    staff = Client()
    assert staff.post(STAFF_LOGIN, {"username": "kari", "password": "feil"}).status_code == 400
    assert staff.post(STAFF_LOGIN, {"username": "kari", "password": PASSWORD}).status_code == 302


def test_s9_switched_off_counts_nothing(settings, client):
    settings.RATE_LIMIT_ENABLED = False
    limits(settings, staff_login_client="1/600")
    for _ in range(3):
        assert client.post(STAFF_LOGIN, {"username": "x", "password": "y"}).status_code == 400


# --- the counter ----------------------------------------------------------------------------


def test_s9_fixed_window_retry_after_and_reset(settings):
    limits(settings, test="2/60")
    start = 1_700_000_040.0  # 40 s into a 60-second window... of the epoch
    assert ratelimit.rate_limit_hit(name="test", key="a", now=start) is None
    assert ratelimit.rate_limit_hit(name="test", key="a", now=start + 1) is None
    assert ratelimit.rate_limit_hit(name="test", key="a", now=start + 2) == 58
    assert ratelimit.rate_limit_hit(name="test", key="b", now=start + 2) is None
    # The next window starts afresh.
    assert ratelimit.rate_limit_hit(name="test", key="a", now=start + 60) is None


def test_s9_cache_keys_hold_no_number_or_name(settings):
    limits(settings, test="5/60")
    fnr = new_fnr()
    ratelimit.rate_limit_hit(name="test", key=fnr)
    ratelimit.rate_limit_hit(name="test", key="kari.nordmann")
    keys = list(cache._cache.keys())  # LocMemCache
    assert keys
    assert not any(fnr in key or "kari" in key for key in keys)


@pytest.mark.parametrize("raw", ["60", "a/b", "0/60", "60/0", "1/2/3"])
def test_s9_a_malformed_limit_is_a_configuration_error(settings, raw):
    from django.core.exceptions import ImproperlyConfigured

    limits(settings, test=raw)
    with pytest.raises(ImproperlyConfigured):
        ratelimit.limit_get("test")


def test_s9_a_cache_that_is_down_lets_requests_through(settings, monkeypatch, caplog):
    limits(settings, test="1/60")

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "add", down)
    assert ratelimit.rate_limit_hit(name="test", key="a") is None
    assert ratelimit.rate_limit_hit(name="test", key="a") is None
    assert "not checked" in caplog.text


# --- the client address ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meta", "header", "expected"),
    [
        ({"REMOTE_ADDR": "192.0.2.7"}, "", "192.0.2.7"),
        # Without the setting a client-sent header is ignored (it could be forged).
        ({"REMOTE_ADDR": "192.0.2.7", "HTTP_X_REAL_IP": "198.51.100.1"}, "", "192.0.2.7"),
        (
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": "198.51.100.1"},
            "HTTP_X_REAL_IP",
            "198.51.100.1",
        ),
        ({"REMOTE_ADDR": "10.0.0.1"}, "HTTP_X_REAL_IP", "10.0.0.1"),
        ({"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, "", "2001:db8:1:2::/64"),
        ({"REMOTE_ADDR": "::ffff:192.0.2.7"}, "", "192.0.2.7"),
        ({"REMOTE_ADDR": ""}, "", "unknown"),
    ],
)
def test_s9_client_address(rf, settings, meta, header, expected):
    settings.RATE_LIMIT_CLIENT_IP_HEADER = header
    request = rf.get("/", **meta)
    request.META.update(meta)
    assert ratelimit.client_address(request) == expected


# --- against real Redis ---------------------------------------------------------------------

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    """The default cache pointed at Redis database 15, emptied before and after."""
    with socket.socket() as probe:
        probe.settimeout(1)
        if probe.connect_ex(("127.0.0.1", 6379)) != 0:
            pytest.skip("needs Redis on 127.0.0.1:6379 (production's cache backend)")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
        }
    }
    cache.clear()  # FLUSHDB of database 15 only
    yield cache
    cache.clear()


def test_s9_redis_counts_and_expires_the_window(settings, redis_cache):
    import redis

    limits(settings, test="2/60")
    assert ratelimit.rate_limit_hit(name="test", key="a") is None
    assert ratelimit.rate_limit_hit(name="test", key="a") is None
    assert ratelimit.rate_limit_hit(name="test", key="a") is not None
    raw = redis.Redis.from_url(REDIS_TEST_URL)
    keys = raw.keys("*ratelimit:test:*")
    assert len(keys) == 1
    assert 0 < raw.ttl(keys[0]) <= 65  # the counter disappears with its window


def test_s9_redis_backs_the_staff_login_limit(settings, redis_cache):
    limits(settings, staff_login_client="2/600")
    first, second = Client(), Client()  # two processes' worth of clients, one address
    first.post(STAFF_LOGIN, {"username": "a", "password": "b"})
    second.post(STAFF_LOGIN, {"username": "c", "password": "d"})
    assert_429(first.post(STAFF_LOGIN, {"username": "e", "password": "f"}))


def test_s9_the_429_page_is_norwegian_and_says_when(settings, client):
    limits(settings, staff_login_client="1/600")
    client.post(STAFF_LOGIN, {"username": "a", "password": "b"})
    response = client.post(STAFF_LOGIN, {"username": "a", "password": "b"})
    assert_429(response)
    body = response.content.decode()
    assert "Vent" in body and "prøv igjen" in body
    assert reverse("accounts:login") not in response.get("Location", "")


def test_s9_window_seconds_are_the_retry_after_ceiling(settings):
    limits(settings, test="1/600")
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC).timestamp()
    ratelimit.rate_limit_hit(name="test", key="x", now=now)
    assert ratelimit.rate_limit_hit(name="test", key="x", now=now) == 600
