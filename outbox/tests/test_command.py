"""`manage.py send_outbox --once`: sends what is due and says how it went."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from outbox.models import Message
from outbox.services import message_enqueue

pytestmark = pytest.mark.django_db


def test_send_outbox_once_sends_what_is_due(smtp_server):
    with transaction.atomic():
        message_enqueue(
            channel=Message.Channel.EMAIL, recipient="ola@example.no", subject="S", body="B"
        )
    out = io.StringIO()
    call_command("send_outbox", "--once", stdout=out)
    assert "sent 1, to retry 0, given up 0" in out.getvalue()
    assert "ola@example.no" not in out.getvalue()
    assert [r.recipients for r in smtp_server.received] == [["ola@example.no"]]
    assert Message.objects.get().status == Message.Status.SENT


def test_send_outbox_keeps_looking_until_sigterm(smtp_server, monkeypatch):
    """Without --once the worker looks again after each interval, and SIGTERM ends it after the
    round it is in."""
    import signal

    from outbox.management.commands import send_outbox

    def queue(n: int) -> None:
        with transaction.atomic():
            message_enqueue(
                channel=Message.Channel.EMAIL, recipient=f"p{n}@example.no", subject="S", body="B"
            )

    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 1:
            queue(2)  # arrives while the worker waits
        else:
            signal.getsignal(signal.SIGTERM)(signal.SIGTERM, None)

    queue(1)
    previous = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(send_outbox.time, "sleep", sleep)
    try:
        call_command("send_outbox", "--interval", "2", stdout=io.StringIO())
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert sleeps == [2.0, 2.0]
    assert [r.recipients for r in smtp_server.received] == [["p1@example.no"], ["p2@example.no"]]
