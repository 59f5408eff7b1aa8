"""The confirmation by e-mail and SMS after «Send inn»: queued in the import's transaction to
the phone and e-mail the citizen gave (the parent's own, for a child), once, carrying nothing
but «Vi har mottatt skjemaet ditt», the reference and a link; sent by the worker to a real SMTP
server; and never blocking or failing the registration."""

import datetime
import re

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from outbox import sms
from outbox.models import Message
from outbox.tests.smtp import SmtpServer, free_port
from registers.models import SyntheticKrrEntry
from registers.types import RegisterUnavailable
from selfreg.tests.portal import FORM, RECEIPT, choose, valid_form
from tests.factories import IndexFactory, synthetic_child_of
from tracing.models import Index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]

# Words that would tell a lock screen or a shared mailbox what this is about.
HEALTH_WORDS = re.compile(r"positiv|hjemmetest|smitte|test|covid|korona|symptom", re.IGNORECASE)


def queued() -> list[tuple[str, str]]:
    return sorted(Message.objects.values_list("channel", "recipient"))


@freeze_time("2021-12-21 09:52:00")
def test_self_registration_queues_email_and_sms_to_what_the_citizen_typed(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    client.post(FORM, valid_form(phone="+47 987 65 432", email="rettet@example.no"))
    index = Index.objects.get()
    assert queued() == [("email", "rettet@example.no"), ("sms", "+4798765432")]
    email = Message.objects.get(channel="email")
    text = Message.objects.get(channel="sms")
    assert email.subject == "Vi har mottatt skjemaet ditt"
    link = f"http://127.0.0.1:8000/kvittering/{index.reference}"
    for message in (email, text):
        assert message.status == Message.Status.PENDING
        assert message.body.startswith("Vi har mottatt skjemaet ditt.")
        assert f"Referansenummer: {index.reference}" in message.body
        assert link in message.body
    assert (
        "«Mine registreringer»: http://127.0.0.1:8000/innlogget/mine-registreringer" in email.body
    )
    for message in (email, text):
        # No name, no date, nothing of the test, no number.
        for leak in ("Kari", "Nordmann", "21.12", "2021", parent.fnr, "Oslo", "Storgata"):
            assert leak not in message.body + message.subject, leak
        assert not HEALTH_WORDS.search(message.body + message.subject)


def test_only_the_channels_given_are_used(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    client.post(FORM, valid_form(phone="+4791234567", email=""))
    assert queued() == [("sms", "+4791234567")]


def test_a_child_registration_is_confirmed_to_the_parents_own_krr_contact(citizen_client, parent):
    synthetic_child_of(parent, birth_date=datetime.date(2015, 3, 1), first_name="Ola")
    client = citizen_client(parent.fnr)
    choose(client, who="Ola Nordmann")
    client.post(FORM, valid_form())
    assert queued() == [("email", "kari@example.no"), ("sms", "+4791234567")]
    assert "Ola" not in "".join(Message.objects.values_list("body", flat=True))


def test_a_parent_reserved_in_krr_gets_no_confirmation_for_a_child(citizen_client, parent):
    SyntheticKrrEntry.objects.filter(person=parent).update(reserved=True)
    synthetic_child_of(parent, birth_date=datetime.date(2015, 3, 1), first_name="Ola")
    client = citizen_client(parent.fnr)
    choose(client, who="Ola Nordmann")
    assert client.post(FORM, valid_form()).url == RECEIPT
    assert Index.objects.count() == 1
    assert queued() == []


def test_krr_down_does_not_block_a_childs_registration(citizen_client, parent, monkeypatch):
    synthetic_child_of(parent, birth_date=datetime.date(2015, 3, 1), first_name="Ola")
    client = citizen_client(parent.fnr)
    choose(client, who="Ola Nordmann")

    def krr_down():
        raise RegisterUnavailable("connection refused")

    monkeypatch.setattr("registers.interfaces.get_krr", krr_down)
    assert client.post(FORM, valid_form()).url == RECEIPT
    assert Index.objects.count() == 1
    assert queued() == []


def test_c8_a_repeated_submission_queues_nothing_more(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    client.post(FORM, valid_form())
    client.post(FORM, valid_form())
    assert Index.objects.count() == 1
    assert len(queued()) == 2


def test_c5_a_refused_registration_queues_nothing(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    IndexFactory(fnr=parent.fnr, person__fnr=parent.fnr)  # registered meanwhile by a tracer
    response = client.post(FORM, valid_form())
    assert "allerede registrert" in response.content.decode()
    assert queued() == []


def test_a_registration_that_rolls_back_leaves_no_message(citizen_client, parent, monkeypatch):
    """The messages are in the import's transaction: a failure after them undoes both."""
    from selfreg import services

    real = services.confirmation_enqueue

    def queue_then_fail(**kwargs):
        assert real(**kwargs)
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "confirmation_enqueue", queue_then_fail)
    client = citizen_client(parent.fnr)
    client.raise_request_exception = False
    choose(client)
    assert client.post(FORM, valid_form()).status_code == 500
    assert Index.objects.count() == 0
    assert queued() == []


def test_the_worker_sends_the_confirmation_whose_link_opens_the_receipt(
    citizen_client, parent, settings
):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.SMS_BACKEND = "fake"
    sms.FakeSmsGateway.sent.clear()
    client = citizen_client(parent.fnr)
    choose(client)
    client.post(FORM, valid_form(phone="+4791234567", email="kari@example.no"))
    reference = Index.objects.get().reference

    call_command("send_outbox", "--once")  # the mail server is down: the registration stands
    assert Message.objects.get(channel="email").status == Message.Status.PENDING
    assert [m.to for m in sms.FakeSmsGateway.sent] == ["+4791234567"]

    Message.objects.filter(channel="email").update(
        next_attempt_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    )
    server = SmtpServer(port).start()
    try:
        call_command("send_outbox", "--once")
    finally:
        server.stop()
    [mail] = server.received
    assert mail.recipients == ["kari@example.no"]
    assert mail.subject == "Vi har mottatt skjemaet ditt"
    link = re.search(r"http://127\.0\.0\.1:8000(/kvittering/[A-Z0-9]+)", mail.text).group(1)
    assert link == f"/kvittering/{reference}"
    receipt = client.get(link)
    assert receipt.status_code == 200
    assert reference in receipt.content.decode()
    assert len(sms.FakeSmsGateway.sent) == 1  # not sent again
