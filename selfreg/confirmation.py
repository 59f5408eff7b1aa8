"""The confirmation a citizen gets by e-mail and SMS after «Send inn»: queued in the outbox in
the import's transaction (selfreg.services.selfreg_submit), sent by `manage.py send_outbox`.

It says only that the form was received, the reference, where to see the receipt and (in the
e-mail) «Mine registreringer»: no name, no date, nothing of the test. A phone's lock screen, a
shared mailbox or a mail server on the way shows no more than that. The links are neutral too
(/kvittering/<reference>, /innlogget/mine-registreringer), and need a login to show anything.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from outbox.models import Message
from outbox.services import message_enqueue


def receipt_link(reference: str) -> str:
    return settings.SITE_URL + reverse("selfreg:receipt_link", args=[reference])


def mine_link() -> str:
    return settings.SITE_URL + reverse("selfreg:mine")


def confirmation_texts(reference: str) -> dict[str, str]:
    link = receipt_link(reference)
    return {
        "subject": _("Vi har mottatt skjemaet ditt"),
        "email": _(
            "Vi har mottatt skjemaet ditt.\n\n"
            "Referansenummer: %(reference)s\n\n"
            "Du ser kvitteringen når du logger inn: %(link)s\n\n"
            "Alt du har registrert, finner du under «Mine registreringer»: %(mine)s\n\n"
            "Denne e-posten kan ikke besvares."
        )
        % {"reference": reference, "link": link, "mine": mine_link()},
        "sms": _(
            "Vi har mottatt skjemaet ditt. Referansenummer: %(reference)s. Kvittering: %(link)s"
        )
        % {"reference": reference, "link": link},
    }


def confirmation_enqueue(*, reference: str, phone: str, email: str) -> list[Message]:
    """Queue the confirmation to each of `phone` and `email` that is given; call it inside the
    transaction that registers."""
    texts = confirmation_texts(reference)
    queued = []
    if email:
        queued.append(
            message_enqueue(
                channel=Message.Channel.EMAIL,
                recipient=email,
                subject=texts["subject"],
                body=texts["email"],
            )
        )
    if phone:
        queued.append(
            message_enqueue(channel=Message.Channel.SMS, recipient=phone, body=texts["sms"])
        )
    return queued
