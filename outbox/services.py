"""Writes to the outbox: queueing a message, and sending what is due (`manage.py send_outbox`).

Queueing is a row written in the caller's transaction: if that transaction rolls back, nothing
is sent; if it commits, the worker sends it later, and a mail server or gateway that is down
never delays or fails what the caller did. Each message is claimed by one worker, and is sent at
most once: an attempt that may have reached the server is never repeated (delivery.Failure).
"""

import dataclasses
import datetime
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from outbox.delivery import DeliveryError, Failure, deliver
from outbox.models import Message

logger = logging.getLogger(__name__)

FINAL = (Message.Status.SENT, Message.Status.FAILED)


def message_enqueue(
    *, channel: Message.Channel, recipient: str, body: str, subject: str = ""
) -> Message:
    """Queue one message; call it inside the transaction whose commit should send it."""
    return Message.objects.create(channel=channel, recipient=recipient, subject=subject, body=body)


def retry_delay(attempts: int) -> datetime.timedelta:
    """Back-off after the n-th failed attempt: doubling from OUTBOX_RETRY_BASE_SECONDS up to
    OUTBOX_RETRY_MAX_SECONDS."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def _claim(*, now: datetime.datetime, limit: int) -> list[Message]:
    """Take up to `limit` due messages for this worker. On PostgreSQL rows another worker has
    locked are skipped; the conditional update with a claim of its own makes the claim hold on
    any database."""
    claim = uuid.uuid4()
    with transaction.atomic():
        due = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=Message.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        ids = list(due)
        if not ids:
            return []
        Message.objects.filter(pk__in=ids, status=Message.Status.PENDING).update(
            status=Message.Status.SENDING,
            claim=claim,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    return list(Message.objects.filter(claim=claim).order_by("pk"))


def _finish(message: Message, *, status: str, now: datetime.datetime, error: str = "") -> None:
    # The address and text are not needed any more.
    Message.objects.filter(pk=message.pk, claim=message.claim).update(
        status=status, finished_at=now, recipient="", subject="", body="", last_error=error
    )


def _retry_later(message: Message, *, now: datetime.datetime, error: str) -> None:
    Message.objects.filter(pk=message.pk, claim=message.claim).update(
        status=Message.Status.PENDING,
        next_attempt_at=now + retry_delay(message.attempts),
        claim=None,
        last_error=error,
    )


@dataclasses.dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


def outbox_send_due(*, now: datetime.datetime | None = None, limit: int = 100) -> SendResult:
    """Send the messages that are due, one claim of up to `limit`. Logs each failure with the
    message's id, channel, attempt and error class: never the address or the text."""

    def clock() -> datetime.datetime:
        return now or timezone.now()

    result = SendResult()
    for message in _claim(now=clock(), limit=limit):
        # A long batch (slow servers) could outlast OUTBOX_CLAIM_TIMEOUT_SECONDS: the claim is
        # renewed before each message, and a message another worker has given up meanwhile is
        # left alone.
        renewed = Message.objects.filter(
            pk=message.pk, claim=message.claim, status=Message.Status.SENDING
        ).update(claimed_at=clock())
        if not renewed:
            continue
        try:
            deliver(message)
        except DeliveryError as exc:
            last = message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
            if exc.failure is Failure.NOT_SENT and not last:
                logger.warning(
                    "outbox: message %s (%s) not sent on attempt %s (%s); trying again later",
                    message.pk, message.channel, message.attempts, exc.kind,
                )  # fmt: skip
                _retry_later(message, now=clock(), error=exc.kind)
                result.retried += 1
            else:
                logger.error(
                    "outbox: message %s (%s) given up on attempt %s (%s, %s)",
                    message.pk, message.channel, message.attempts, exc.failure, exc.kind,
                )  # fmt: skip
                _finish(message, status=Message.Status.FAILED, now=clock(), error=exc.kind)
                result.failed += 1
        else:
            _finish(message, status=Message.Status.SENT, now=clock())
            result.sent += 1
    return result


def outbox_give_up_stale(*, now: datetime.datetime | None = None) -> int:
    """A message left "sending" by a worker that stopped mid-send may have been sent: it is
    marked failed, never sent again (at most once)."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)
    count = Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=stale).update(
        status=Message.Status.FAILED,
        finished_at=now,
        recipient="",
        subject="",
        body="",
        last_error="stale claim",
    )
    if count:
        logger.error("outbox: %s message(s) left sending by a stopped worker, given up", count)
    return count


def outbox_purge(*, before: datetime.datetime, dry_run: bool = False) -> int:
    """Sent and given-up messages (already emptied of address and text) finished before
    `before`; run by `manage.py retention` (S11) with OUTBOX_KEEP_DAYS."""
    done = Message.objects.filter(status__in=FINAL, finished_at__lt=before)
    if dry_run:
        return done.count()
    count, _ = done.delete()
    return count
