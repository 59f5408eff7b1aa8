"""A real SMTP server for the tests (aiosmtpd), on a free local port, and what it received."""

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: object  # email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()


@dataclass
class Handler:
    """Accepts everything, unless told to answer RCPT or DATA with a reply of its own."""

    received: list[Received] = field(default_factory=list)
    rcpt_reply: str = ""
    data_reply: str = ""
    drop_on_data: bool = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.drop_on_data:
            # The message arrives, and the connection is lost before the reply: the client
            # cannot know whether it was taken.
            self.received.append(self._parse(envelope))
            server.transport.close()
            return "250 OK"
        if self.data_reply:
            return self.data_reply
        self.received.append(self._parse(envelope))
        return "250 Message accepted for delivery"

    @staticmethod
    def _parse(envelope) -> Received:
        return Received(
            sender=envelope.mail_from,
            recipients=list(envelope.rcpt_tos),
            message=message_from_bytes(envelope.original_content, policy=policy.default),
        )


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.handler = Handler()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> "SmtpServer":
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
