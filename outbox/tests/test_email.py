"""E-mail from the outbox through Django's SMTP backend to a real SMTP server (aiosmtpd):
sent once, retried with back-off while the server is down, given up without repeating when it
may have been taken, and failures logged without the address."""

import datetime
import logging

import pytest
from django.db import transaction
from django.utils import timezone

from outbox.models import Message
from outbox.services import (
    message_enqueue,
    outbox_give_up_stale,
    outbox_send_due,
    retry_delay,
)
from outbox.tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db

ADDRESS = "kari.syntetisk@example.no"
# Later than any message the tests queue: everything queued is due at NOW.
NOW = datetime.datetime(2030, 1, 7, 9, 0, tzinfo=datetime.UTC)


def outbox_log(caplog) -> str:
    """What our code logged (the SMTP server in the test logs the addresses it sees)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("outbox"))


def enqueue(**changes) -> Message:
    values = {
        "channel": Message.Channel.EMAIL,
        "recipient": ADDRESS,
        "subject": "Vi har mottatt skjemaet ditt",
        "body": "Vi har mottatt skjemaet ditt.\nReferansenummer: ABCDEFGHJK\n",
    }
    values.update(changes)
    with transaction.atomic():
        return message_enqueue(**values)


def test_an_email_is_sent_once_through_smtp_and_then_forgotten(smtp_server):
    message = enqueue()
    result = outbox_send_due(now=NOW)
    assert (result.sent, result.retried, result.failed) == (1, 0, 0)
    [received] = smtp_server.received
    assert received.recipients == [ADDRESS]
    assert received.sender == "ikke-svar@kommune.example.no"
    assert received.subject == "Vi har mottatt skjemaet ditt"
    assert "Referansenummer: ABCDEFGHJK" in received.text
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert (message.recipient, message.subject, message.body) == ("", "", "")
    assert message.attempts == 1
    # Nothing is sent twice, however often the worker looks.
    assert outbox_send_due(now=NOW + datetime.timedelta(days=1)).handled == 0
    assert len(smtp_server.received) == 1


def test_a_server_that_is_down_and_comes_back(smtp_port, settings, caplog):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    message = enqueue()
    with caplog.at_level(logging.WARNING, logger="outbox"):
        result = outbox_send_due(now=NOW)  # nothing listens on the port
    assert (result.sent, result.retried) == (0, 1)
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at == NOW + datetime.timedelta(seconds=30)
    assert message.last_error == "ConnectionRefusedError"
    assert f"message {message.pk} (email) not sent on attempt 1" in outbox_log(caplog)
    assert ADDRESS not in outbox_log(caplog) and "kari" not in outbox_log(caplog).lower()

    # Still down at the next attempt: the wait doubles.
    outbox_send_due(now=NOW + datetime.timedelta(seconds=30))
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == NOW + datetime.timedelta(seconds=30 + 60)

    server = SmtpServer(smtp_port).start()
    try:
        # Back, but the message is not due yet: the back-off holds.
        assert outbox_send_due(now=NOW + datetime.timedelta(seconds=60)).handled == 0
        assert server.received == []
        result = outbox_send_due(now=NOW + datetime.timedelta(seconds=90))
        assert result.sent == 1
        assert [r.recipients for r in server.received] == [[ADDRESS]]
        assert outbox_send_due(now=NOW + datetime.timedelta(hours=5)).handled == 0
        assert len(server.received) == 1
    finally:
        server.stop()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 3)


def test_back_off_doubles_up_to_its_ceiling(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    delays = [retry_delay(n).total_seconds() for n in range(1, 10)]
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_given_up_after_the_last_attempt(smtp_port, settings, caplog):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = enqueue()
    moment = NOW
    for _ in range(3):
        outbox_send_due(now=moment)
        moment += datetime.timedelta(hours=2)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.FAILED, 3)
    assert message.recipient == "" and message.body == ""
    assert "given up on attempt 3" in outbox_log(caplog)
    assert ADDRESS not in outbox_log(caplog)


def test_a_temporary_refusal_is_retried_and_a_permanent_one_is_not(smtp_server, caplog):
    smtp_server.handler.rcpt_reply = "450 Mailbox busy"
    busy = enqueue()
    outbox_send_due(now=NOW)
    busy.refresh_from_db()
    assert (busy.status, busy.last_error) == (Message.Status.PENDING, "SMTPRecipientsRefused")

    smtp_server.handler.rcpt_reply = f"550 No such user <{ADDRESS}>"
    outbox_send_due(now=NOW + datetime.timedelta(minutes=5))
    busy.refresh_from_db()
    assert busy.status == Message.Status.FAILED
    assert smtp_server.received == []
    log = outbox_log(caplog)
    assert "not sent on attempt 1 (SMTPRecipientsRefused)" in log
    assert ADDRESS not in log  # the server's reply quotes it; our log does not


def test_a_message_perhaps_taken_is_never_sent_again(smtp_server):
    """The server received it but the connection was lost before its reply: retrying might
    deliver it twice, so the message is given up (at most once)."""
    smtp_server.handler.drop_on_data = True
    message = enqueue()
    result = outbox_send_due(now=NOW)
    assert result.failed == 1
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    smtp_server.handler.drop_on_data = False
    assert outbox_send_due(now=NOW + datetime.timedelta(days=1)).handled == 0
    assert len(smtp_server.received) == 1


def test_a_message_queued_in_a_transaction_that_rolls_back_is_never_sent(smtp_server):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        message_enqueue(channel=Message.Channel.EMAIL, recipient=ADDRESS, body="x")
        raise Abort
    assert not Message.objects.exists()
    assert outbox_send_due(now=NOW).handled == 0


def test_a_claim_left_by_a_stopped_worker_is_given_up_not_resent(smtp_server, settings):
    settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = 600
    message = enqueue()
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING, claimed_at=NOW, attempts=1
    )
    assert outbox_give_up_stale(now=NOW + datetime.timedelta(seconds=599)) == 0
    assert outbox_give_up_stale(now=NOW + datetime.timedelta(seconds=601)) == 1
    message.refresh_from_db()
    assert (message.status, message.recipient) == (Message.Status.FAILED, "")
    assert outbox_send_due(now=NOW + datetime.timedelta(days=1)).handled == 0
    assert smtp_server.received == []


def test_finished_messages_are_deleted_by_retention_after_the_keeping_time(smtp_server, settings):
    from tracing.retention_rules import retention_run

    settings.OUTBOX_KEEP_DAYS = 30
    enqueue()
    waiting = enqueue()
    Message.objects.filter(pk=waiting.pk).update(next_attempt_at=NOW + datetime.timedelta(days=60))
    outbox_send_due(now=NOW)

    def purged(days: int, **options) -> int:
        [result] = [r for r in retention_run(now=NOW + datetime.timedelta(days=days), **options)
                    if r.rule.name == "outbox"]  # fmt: skip
        return result.counts["sendte meldinger"]

    assert purged(29) == 0
    assert purged(31, dry_run=True) == 1
    assert Message.objects.count() == 2
    assert purged(31) == 1
    assert list(Message.objects.values_list("pk", flat=True)) == [waiting.pk]


def test_messages_are_sent_in_the_order_they_became_due(smtp_server):
    for n in range(3):
        enqueue(body=f"melding {n}")
    outbox_send_due(now=timezone.now(), limit=2)
    assert [r.text.strip() for r in smtp_server.received] == ["melding 0", "melding 1"]
    outbox_send_due(now=timezone.now(), limit=2)
    assert len(smtp_server.received) == 3


def test_a_message_given_up_while_its_batch_was_running_is_not_sent(smtp_server, monkeypatch):
    """A slow batch: while the worker sends the first message, another worker finds the claim
    old and gives the second up. The first worker then leaves the second alone."""
    from outbox import services

    first, second = enqueue(body="første"), enqueue(body="andre")
    real = services.deliver

    def deliver_slowly(message):
        real(message)
        if message.pk == first.pk:
            services.outbox_give_up_stale(now=NOW + datetime.timedelta(hours=1))

    monkeypatch.setattr(services, "deliver", deliver_slowly)
    result = outbox_send_due(now=NOW)
    assert (result.sent, result.failed) == (1, 0)
    assert [r.text.strip() for r in smtp_server.received] == ["første"]
    second.refresh_from_db()
    assert (second.status, second.last_error) == (Message.Status.FAILED, "stale claim")
