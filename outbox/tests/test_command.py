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
