"""Request ids and JSON-lines logs (README "Operations"): every log line of a request carries
its id, the response names it, an error page's reference number is in the line about it, and
no line holds a fødselsnummer, a name or an exception's message (R3, S10)."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import include, path

from core.errors import server_error
from core.logfilters import ExceptionWithoutMessage, JsonLines, RequestContext

pytestmark = pytest.mark.django_db

HEX32 = re.compile(r"[0-9a-f]{32}")
FNR = "01017012345"
REFERENCE = re.compile(r'class="error-reference">([0-9A-F]{8})<')


def _fails(request):
    raise RuntimeError(f"row for Kari Nordmann {FNR}")


def _logs(request):
    from django.http import HttpResponse

    logging.getLogger("core.tests").warning("something to say")
    return HttpResponse("ok")


urlpatterns = [path("feil", _fails), path("logger", _logs), path("", include("smittesporing.urls"))]
handler500 = server_error


@pytest.fixture
def json_log():
    """The console handler of settings.LOGGING in production: filters, then JSON lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ExceptionWithoutMessage())
    handler.addFilter(RequestContext())
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_the_response_names_a_new_request_id(client):
    response = client.get("/healthz")
    assert HEX32.fullmatch(response["X-Request-ID"])
    assert client.get("/healthz")["X-Request-ID"] != response["X-Request-ID"]


@pytest.mark.parametrize(
    "given",
    ["3f2a9c0d4b1e4f6a8c7d2e1f0a9b8c7d", "123e4567-e89b-12d3-a456-426614174000"],
)
def test_the_proxys_request_id_is_kept(client, given):
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given


@pytest.mark.parametrize(
    "given",
    [FNR, "Kari Nordmann", "abc", "x" * 40, "0" * 65, "3f2a9c0d4b1e4f6a\n8c7d2e1f0a9b8c7d"],
)
def test_a_request_id_that_is_not_one_is_replaced(client, given):
    answered = client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"]
    assert HEX32.fullmatch(answered)


def test_every_line_of_a_request_carries_its_id(settings, json_log):
    settings.ROOT_URLCONF = __name__
    given = "3f2a9c0d4b1e4f6a8c7d2e1f0a9b8c7d"
    Client().get("/logger", HTTP_X_REQUEST_ID=given)
    lines = [line for line in json_log() if line["logger"] == "core.tests"]
    assert lines == [
        {
            "time": lines[0]["time"],
            "level": "WARNING",
            "logger": "core.tests",
            "message": "something to say",
            "request_id": given,
        }
    ]
    assert lines[0]["time"].endswith("+00:00")


def test_lines_outside_a_request_have_no_id(json_log):
    logging.getLogger("core.tests").info("outside")
    assert [line["request_id"] for line in json_log() if line["message"] == "outside"] == [None]


def test_a_server_error_line_has_the_pages_reference_and_no_message(settings, json_log):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/feil")
    assert response.status_code == 500
    reference = REFERENCE.search(response.content.decode()).group(1)
    lines = json_log()
    about = [line for line in lines if line.get("reference") == reference]
    assert {line["logger"] for line in about} == {"core.errors", "django.request"}
    assert {line["request_id"] for line in about} == {response["X-Request-ID"]}
    text = "\n".join(json.dumps(line) for line in lines)
    assert "RuntimeError" in text
    assert FNR not in text and "Nordmann" not in text


def test_json_lines_are_one_line_each_and_only_the_fixed_fields(json_log):
    logging.getLogger("core.tests").warning(
        "first\nsecond", extra={"token": "secret-token", "request": object()}
    )
    (line,) = [line for line in json_log() if line["logger"] == "core.tests"]
    assert line["message"] == "first\nsecond"
    assert set(line) == {"time", "level", "logger", "message", "request_id"}


def test_log_format_json_is_what_the_settings_configure():
    """The settings' LOGGING with LOG_FORMAT=json (production's default) writes JSON lines."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "smittesporing.settings"}
    code = "import django, logging; django.setup(); logging.getLogger('core').warning('hei')"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    (line,) = [json.loads(line) for line in result.stderr.splitlines()]
    assert line["message"] == "hei" and line["level"] == "WARNING"
    assert line["request_id"] is None


def test_log_format_is_checked():
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "LOG_FORMAT": "xml", "DJANGO_SETTINGS_MODULE": "smittesporing.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or plain" in result.stderr
