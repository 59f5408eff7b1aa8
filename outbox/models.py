"""Messages waiting to be sent (e-mail, SMS), written in the transaction that has them sent.

A message is claimed by one worker, sent, and then emptied: the address and text are kept only
while they are needed; `manage.py retention` deletes rows in a final state after OUTBOX_KEEP_DAYS.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Message(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "E-post"
        SMS = "sms", "SMS"

    class Status(models.TextChoices):
        PENDING = "pending", "Venter"
        SENDING = "sending", "Sendes"
        SENT = "sent", "Sendt"
        FAILED = "failed", "Ikke sendt"

    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    # The claim of the worker sending it: set with status "sending", so that a message is sent
    # by one worker once.
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The class of the last error, never its text (an SMTP reply may quote the address).
    last_error = models.CharField(max_length=100, blank=True)
    # Sent with the SMS as an idempotency key: a gateway that honours it delivers once.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="outbox_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Melding {self.pk}"
