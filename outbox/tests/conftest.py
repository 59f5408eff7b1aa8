import pytest

from outbox.tests.smtp import SmtpServer, free_port


@pytest.fixture
def smtp_port(settings) -> int:
    """Django's SMTP backend pointed at a free local port (nothing listens yet)."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "ikke-svar@kommune.example.no"
    return port


@pytest.fixture
def smtp_server(smtp_port):
    """A real SMTP server (aiosmtpd) on that port; `.stop()` and `.start()` it at will."""
    server = SmtpServer(smtp_port).start()
    yield server
    server.stop()
