"""Handing one message to its channel: Django's e-mail backend (SMTP whenever EMAIL_HOST is
set) or the SMS gateway (outbox.sms). Each failure becomes one of three outcomes, which decide
whether the worker may try again (outbox.services)."""

import contextlib
import smtplib
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from outbox import sms
from outbox.models import Message


class Failure(StrEnum):
    NOT_SENT = "not_sent"  # certainly not sent: try again later
    REJECTED = "rejected"  # refused for good
    UNCERTAIN = "uncertain"  # perhaps sent: never again (at most once)


class DeliveryError(Exception):
    def __init__(self, failure: Failure, kind: str):
        self.failure = failure
        self.kind = kind  # the class of the underlying error, for the log and the row
        super().__init__(f"{failure}: {kind}")


def _smtp_code_failure(code: int | None) -> Failure:
    # 4xx is the server's "not now", 5xx its "never".
    return Failure.NOT_SENT if code is not None and 400 <= code < 500 else Failure.REJECTED


def _send_email(message: Message) -> None:
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        # No session with the server (refused, down, TLS, login): nothing was handed over.
        raise DeliveryError(Failure.NOT_SENT, type(exc).__name__) from None
    try:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            connection=connection,
        ).send()
    except ValueError as exc:
        # An address Django cannot write into a header (sanitize_address): it never will.
        raise DeliveryError(Failure.REJECTED, type(exc).__name__) from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise DeliveryError(
            _smtp_code_failure(min(codes, default=None)), type(exc).__name__
        ) from None
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        raise DeliveryError(_smtp_code_failure(exc.smtp_code), type(exc).__name__) from None
    except (OSError, smtplib.SMTPException) as exc:
        # Lost during the transaction: the server may have queued it.
        raise DeliveryError(Failure.UNCERTAIN, type(exc).__name__) from None
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()


def _send_sms(message: Message) -> None:
    try:
        sms.get_sms_gateway().send(to=message.recipient, text=message.body, key=str(message.key))
    except sms.SmsNotSent:
        raise DeliveryError(Failure.NOT_SENT, "SmsNotSent") from None
    except sms.SmsRejected:
        raise DeliveryError(Failure.REJECTED, "SmsRejected") from None
    except sms.SmsUncertain:
        raise DeliveryError(Failure.UNCERTAIN, "SmsUncertain") from None


def deliver(message: Message) -> None:
    """Send the message, or raise DeliveryError."""
    if message.channel == Message.Channel.EMAIL:
        _send_email(message)
    else:
        _send_sms(message)
