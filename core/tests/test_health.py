"""/healthz and /readyz (README "Operations"): cheap, public by the S2 list, and a failing
dependency is named without its error's text."""

import socket
import threading

import pytest
from django.db import OperationalError, connections

from core import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_probes_take_no_post(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_probes_need_no_login_and_set_no_cookie(client):
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not response.cookies, path


def test_readyz_without_redis_configured(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "not configured"},
    }


def _redis_running() -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


def test_readyz_with_redis_answering(client, settings):
    if not _redis_running():
        pytest.skip("needs Redis on 127.0.0.1:6379 (production's cache backend; CI starts it)")
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_readyz_names_a_refused_redis_without_its_url(client, settings):
    settings.REDIS_URL = f"redis://:topsecret-password@127.0.0.1:{_free_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "failed"},
    }
    assert b"topsecret" not in response.content


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers: a hung Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_readyz_gives_up_on_a_redis_that_does_not_answer(client, settings, silent_server):
    port, accepted = silent_server
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    settings.HEALTH_CHECK_TIMEOUT_SECONDS = 0.3
    response = client.get("/readyz")
    assert accepted, "the check did connect"
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "failed"


def test_readyz_names_a_failing_database_without_its_message(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "db.internal" failed: password=hunter2')

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "failed", "redis": "not configured"}
    assert b"hunter2" not in response.content and b"db.internal" not in response.content


def test_readyz_failure_is_logged_by_type_only(settings, monkeypatch, caplog):
    settings.REDIS_URL = f"redis://:topsecret-password@127.0.0.1:{_free_port()}/0"
    assert health.redis_answers() == "failed"
    text = " ".join(record.getMessage() for record in caplog.records)
    assert "redis check failed: ConnectionError" in text
    assert "topsecret" not in text
