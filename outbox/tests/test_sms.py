"""SMS from the outbox through the gateway interface: the HTTP gateway against a real HTTP
server started by the test, and the local fake."""

import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction

from outbox import sms
from outbox.models import Message
from outbox.services import message_enqueue, outbox_send_due
from outbox.tests.smtp import free_port

pytestmark = pytest.mark.django_db

NUMBER = "+4791234567"
NOW = datetime.datetime(2030, 1, 7, 9, 0, tzinfo=datetime.UTC)


class Gateway:
    """An HTTP server that records each request and answers with `status` (after `delay`)."""

    def __init__(self, port: int):
        self.port = port
        self.requests: list[dict] = []
        self.status = 202
        self.delay = 0.0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
                )
                time.sleep(gateway.delay)
                self.send_response(gateway.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "Gateway":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def gateway_port(settings) -> int:
    port = free_port()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{port}/sms"
    settings.SMS_GATEWAY_TOKEN = "gateway-token"
    settings.SMS_SENDER = "Oslo"
    settings.SMS_TIMEOUT_SECONDS = 0.5
    return port


@pytest.fixture
def gateway(gateway_port):
    server = Gateway(gateway_port).start()
    yield server
    server.stop()


def enqueue() -> Message:
    with transaction.atomic():
        return message_enqueue(
            channel=Message.Channel.SMS, recipient=NUMBER, body="Vi har mottatt skjemaet ditt."
        )


def test_http_gateway_sends_with_token_and_idempotency_key(gateway):
    message = enqueue()
    assert outbox_send_due(now=NOW).sent == 1
    [request] = gateway.requests
    assert request["path"] == "/sms"
    assert request["headers"]["Authorization"] == "Bearer gateway-token"
    assert request["headers"]["Idempotency-Key"] == str(message.key)
    assert request["json"] == {
        "to": NUMBER,
        "text": "Vi har mottatt skjemaet ditt.",
        "sender": "Oslo",
    }
    message.refresh_from_db()
    assert (message.status, message.recipient) == (Message.Status.SENT, "")


def test_gateway_down_then_back(gateway_port, caplog):
    message = enqueue()
    assert outbox_send_due(now=NOW).retried == 1
    message.refresh_from_db()
    assert (message.status, message.last_error) == (Message.Status.PENDING, "SmsNotSent")
    server = Gateway(gateway_port).start()
    try:
        assert outbox_send_due(now=NOW + datetime.timedelta(minutes=1)).sent == 1
        assert len(server.requests) == 1
    finally:
        server.stop()
    assert NUMBER not in caplog.text


@pytest.mark.parametrize(
    ("status", "outcome"), [(503, "pending"), (429, "pending"), (400, "failed"), (500, "failed")]
)
def test_gateway_answers_decide_whether_to_try_again(gateway, status, outcome):
    gateway.status = status
    message = enqueue()
    outbox_send_due(now=NOW)
    message.refresh_from_db()
    assert message.status == outcome


def test_a_gateway_that_does_not_answer_in_time_is_not_asked_again(gateway):
    """It may have sent the SMS: at most once."""
    gateway.delay = 1.5
    message = enqueue()
    assert outbox_send_due(now=NOW).failed == 1
    message.refresh_from_db()
    assert (message.status, message.last_error) == (Message.Status.FAILED, "SmsUncertain")
    assert outbox_send_due(now=NOW + datetime.timedelta(days=1)).handled == 0
    assert len(gateway.requests) == 1


def test_the_fake_gateway_keeps_and_prints_the_message(settings, capsys):
    settings.SMS_BACKEND = "fake"
    sms.FakeSmsGateway.sent.clear()
    message = enqueue()
    assert outbox_send_due(now=NOW).sent == 1
    assert sms.FakeSmsGateway.sent == [
        sms.FakeSms(to=NUMBER, text="Vi har mottatt skjemaet ditt.", key=str(message.key))
    ]
    assert "Vi har mottatt skjemaet ditt." in capsys.readouterr().out


def test_the_gateway_is_picked_by_setting(settings):
    settings.SMS_BACKEND = "fake"
    assert isinstance(sms.get_sms_gateway(), sms.FakeSmsGateway)
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = "https://sms.example.no/send"
    assert isinstance(sms.get_sms_gateway(), sms.HttpSmsGateway)
