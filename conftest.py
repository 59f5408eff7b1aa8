import pytest

from municipalities.reference_data import load_reference_data


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Reference data comes with the migrations; transactional tests flush it, so reload it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        load_reference_data()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty local-memory cache: rate-limit counters (S9) of earlier
    tests, all made from 127.0.0.1, must not spill over. A shared cache (REDIS_URL) is never
    flushed by the suite."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


def _is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture
def postgres_only():
    """For tests of behaviour that only PostgreSQL can show (row locks between connections)."""
    if not _is_postgres():
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://... (CI does)")


@pytest.fixture
def citizen_client(client):
    """A test client logged in as a citizen: call it with the citizen's fødselsnummer.

    Sets the session exactly as the OIDC callback does (selfreg.session.citizen_login); the
    full OIDC flow has its own tests against the bundled test identity provider.
    """
    from importlib import import_module

    from django.conf import settings

    from selfreg.session import citizen_login

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    def login(pid: str):
        session = SessionStore()
        session.create()
        citizen_login(session, pid=pid)
        session.save()
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        return client

    return login


@pytest.fixture
def staff_client(client):
    """A test client logged in as a staff member: call it with the roles wanted, e.g.
    `staff_client(tracer_in=["0301"])` or `staff_client(admin_in=["0301"])`.

    Returns the client; the user is `client.staff_user`.
    """
    from tests.factories import StaffFactory

    def login(*, tracer_in=(), admin_in=(), **kwargs):
        user = StaffFactory(tracer_in=list(tracer_in), admin_in=list(admin_in), **kwargs)
        client.force_login(user)
        client.staff_user = user
        return client

    return login


# --- Maskinporten (registers/maskinporten.py), for the HTTP register clients' tests ---


@pytest.fixture
def fake_token_server():
    """A running Maskinporten-shaped token endpoint (fake_servers.FakeTokenServer), stopped after."""
    from registers.tests.fake_servers import FakeTokenServer

    server = FakeTokenServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def organisation_key():
    """An RSA key standing for the organisation's Maskinporten key (made once: 2048-bit is slow)."""
    from joserfc.jwk import RSAKey

    return RSAKey.generate_key(2048, parameters={"kid": "test-kid-1"}, private=True)


@pytest.fixture
def maskinporten_settings(settings, fake_token_server, organisation_key):
    """MASKINPORTEN_* pointing at the fake token endpoint, which hands out fake_servers.TOKEN
    (what the fake registers accept); the process's shared clients are cleared around the test."""
    from registers import maskinporten
    from registers.tests.fake_servers import TOKEN

    fake_token_server.token = TOKEN
    settings.MASKINPORTEN_TOKEN_URL = fake_token_server.url
    settings.MASKINPORTEN_AUDIENCE = "https://test.maskinporten.no/"
    settings.MASKINPORTEN_CLIENT_ID = "smittesporing-test"
    settings.MASKINPORTEN_KID = organisation_key.kid
    settings.MASKINPORTEN_KEY = organisation_key.as_pem(private=True).decode()
    settings.MASKINPORTEN_KEY_FILE = ""
    maskinporten.client_cache_clear()
    yield fake_token_server
    maskinporten.client_cache_clear()


@pytest.fixture(autouse=True)
def _fodselsnumre_unused_in_this_test():
    """Each test's database starts empty: its fødselsnumre need only differ within the test."""
    from tests import factories

    factories._issued.clear()
