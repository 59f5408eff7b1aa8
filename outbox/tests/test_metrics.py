"""The outbox's backlog as a Prometheus gauge (core.metrics, read when /metrics is scraped)."""

import re

import pytest
from django.db import connection
from django.test import Client

from outbox.models import Message
from outbox.services import message_enqueue

pytestmark = pytest.mark.django_db


def _backlog(body: str) -> float | None:
    match = re.search(r"^smittesporing_outbox_backlog (\S+)$", body, re.M)
    return float(match.group(1)) if match else None


def test_the_backlog_counts_the_messages_still_to_send():
    scrape = Client(REMOTE_ADDR="127.0.0.1")
    assert _backlog(scrape.get("/metrics").content.decode()) == 0
    for n in range(3):
        message_enqueue(channel=Message.Channel.EMAIL, recipient=f"{n}@example.no", body="x")
    Message.objects.filter(pk=Message.objects.order_by("pk").first().pk).update(
        status=Message.Status.SENT
    )
    body = scrape.get("/metrics").content.decode()
    assert _backlog(body) == 2
    assert "@example.no" not in body  # a count, never an address


def test_a_backlog_that_cannot_be_read_leaves_the_rest_of_the_scrape(caplog):
    def fail(*_args):
        raise connection.Database.OperationalError("down")

    with connection.execute_wrapper(fail):
        response = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")
    assert response.status_code == 200
    body = response.content.decode()
    assert _backlog(body) is None
    assert "smittesporing_http_requests" in body
    assert "metric smittesporing_outbox_backlog not read: OperationalError" in caplog.text
