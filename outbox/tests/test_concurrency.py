"""Several workers at once: each message is claimed by one of them and sent once (PostgreSQL,
where SELECT … FOR UPDATE SKIP LOCKED lets them share the queue)."""

import threading

import pytest
from django.db import connection

from outbox import sms
from outbox.models import Message
from outbox.services import message_enqueue, outbox_send_due

WORKERS = 6
MESSAGES = 120


@pytest.mark.django_db(transaction=True)
def test_six_workers_send_each_of_120_messages_once(postgres_only, settings):
    settings.SMS_BACKEND = "fake"
    sms.FakeSmsGateway.sent.clear()
    for n in range(MESSAGES):
        message_enqueue(channel=Message.Channel.SMS, recipient=f"+47900{n:05d}", body=f"m{n}")
    barrier = threading.Barrier(WORKERS)
    errors: list[str] = []

    def work():
        try:
            barrier.wait(timeout=10)
            while outbox_send_due(limit=7).handled:
                pass
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    texts = [m.text for m in sms.FakeSmsGateway.sent]
    assert sorted(texts) == sorted(f"m{n}" for n in range(MESSAGES))  # each once
    assert Message.objects.filter(status=Message.Status.SENT, attempts=1).count() == MESSAGES
