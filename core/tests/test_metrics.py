"""Metrics for Prometheus (README "Operations"): per route by pattern name, registrations per
duplicate rule, rate-limit refusals; /metrics only to METRICS_ALLOWED_ADDRESSES; the counts of
several gunicorn workers added up (multiprocess mode)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from prometheus_client import REGISTRY

from tests.factories import IndexFactory, new_fnr
from tracing.services import AlreadyRegistered
from tracing.tests.test_services import register

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def requests_of(route: str, method: str = "GET", status: str = "200") -> float:
    return sample("smittesporing_http_requests_total", route=route, method=method, status=status)


# --- who may read them ------------------------------------------------------------------------


def test_loopback_may_read_the_metrics(client):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert 'smittesporing_http_requests_total{method="GET",route="healthz",status="200"}' in (
        response.content.decode()
    )


def test_ipv6_loopback_may_read_the_metrics():
    assert Client(REMOTE_ADDR="::1").get("/metrics").status_code == 200


@pytest.mark.parametrize("address", ["203.0.113.7", "10.0.5.9", "2001:db8::1", ""])
def test_other_addresses_get_a_404(address):
    response = Client(REMOTE_ADDR=address).get("/metrics")
    assert response.status_code == 404
    assert b"smittesporing_http" not in response.content


def test_a_request_through_the_proxy_gets_a_404_though_it_comes_from_loopback(client):
    response = client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 404
    assert b"smittesporing_http" not in response.content


def test_configured_networks_replace_the_default(settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.5.0/24", "192.0.2.10"]
    assert Client(REMOTE_ADDR="10.0.5.9").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="192.0.2.10").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.0.6.1").get("/metrics").status_code == 404
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 404


def test_a_bad_address_setting_is_refused(settings, rf):
    from core.metrics import metrics_allowed

    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.5.0/24", "the office"]
    with pytest.raises(ImproperlyConfigured, match="METRICS_ALLOWED_ADDRESSES"):
        metrics_allowed(rf.get("/metrics"))


def test_metrics_take_no_post(client):
    assert client.post("/metrics").status_code == 405


# --- what is counted --------------------------------------------------------------------------


def test_requests_are_counted_and_timed_per_route(client):
    before = requests_of("healthz")
    timed = sample(
        "smittesporing_http_request_duration_seconds_count", route="healthz", method="GET"
    )
    client.get("/healthz")
    client.get("/healthz")
    assert requests_of("healthz") == before + 2
    assert (
        sample("smittesporing_http_request_duration_seconds_count", route="healthz", method="GET")
        == timed + 2
    )


def test_the_route_is_the_pattern_name_never_the_path(client):
    before = requests_of("tracing:index", status="302")
    client.get("/smittesporing/indeks/987654321/")
    assert requests_of("tracing:index", status="302") == before + 1
    assert b"987654321" not in client.get("/metrics").content


def test_unknown_paths_share_one_series(client):
    before = requests_of("unmatched", status="404")
    client.get(f"/{uuid.uuid4().hex}/")
    assert requests_of("unmatched", status="404") == before + 1


def test_registrations_are_counted_per_rule_once_committed(django_capture_on_commit_callbacks):
    fnr = new_fnr()
    before = sample("smittesporing_registrations_total", rule="D-0", outcome="registered")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register(fnr)
    assert sample("smittesporing_registrations_total", rule="D-0", outcome="registered") == before
    for callback in callbacks:
        callback()
    assert (
        sample("smittesporing_registrations_total", rule="D-0", outcome="registered") == before + 1
    )


def test_a_refusal_is_counted_with_its_rule():
    index = IndexFactory()
    before = sample("smittesporing_registrations_total", rule="D-1a", outcome="refused")
    with pytest.raises(AlreadyRegistered):
        register(index.fnr)
    assert sample("smittesporing_registrations_total", rule="D-1a", outcome="refused") == before + 1


def test_a_repeated_submission_is_counted_apart(django_capture_on_commit_callbacks):
    submission = uuid.uuid4()
    fnr = new_fnr()
    with django_capture_on_commit_callbacks(execute=True):
        register(fnr, submission_id=submission)
    before = sample("smittesporing_registrations_total", rule="D-0", outcome="repeated")
    with django_capture_on_commit_callbacks(execute=True):
        register(fnr, submission_id=submission)
    assert sample("smittesporing_registrations_total", rule="D-0", outcome="repeated") == before + 1


def test_rate_limit_refusals_are_counted_per_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "staff_login_client": "1/600"}
    before = sample("smittesporing_rate_limit_refusals_total", limit="staff_login_client")
    client = Client()
    for _ in range(3):
        client.post("/smittesporing/logg-inn/", {"username": "a", "password": "b"})
    assert (
        sample("smittesporing_rate_limit_refusals_total", limit="staff_login_client") == before + 2
    )


# --- several processes ------------------------------------------------------------------------

_WORKER = """
import django
django.setup()
from core.metrics import rate_limit_refusal_counted
for _ in range({count}):
    rate_limit_refusal_counted("multiprocess_test")
"""


def test_the_counts_of_several_processes_are_added_up(tmp_path, monkeypatch, client):
    """As under gunicorn: each worker writes to PROMETHEUS_MULTIPROC_DIR, a scrape (in yet
    another process) reads them all."""
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "smittesporing.settings",
    }
    for count in (2, 3):
        subprocess.run(
            [sys.executable, "-c", _WORKER.format(count=count)], cwd=ROOT, env=env, check=True
        )
    assert len(list(tmp_path.glob("counter_*.db"))) == 2
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    body = client.get("/metrics").content.decode()
    assert 'smittesporing_rate_limit_refusals_total{limit="multiprocess_test"} 5.0' in body
