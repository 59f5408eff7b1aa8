"""Logging filters (R3) and the JSON-lines format of production logs. Plain Python: the logging
configuration loads this before Django's apps are ready."""

import contextvars
import datetime
import json
import logging
import traceback
from pathlib import Path

# The id of the request being served in this thread (core.middleware.RequestIdMiddleware).
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)

_ROOT = str(Path(__file__).resolve().parent.parent) + "/"
_MAX_FRAMES = 8
_VENDORED = "site-packages/"


def exception_summary(exc: BaseException) -> str:
    """The exception's type, the types of what caused it, and where it was raised (the
    innermost frame and our own code's frames), without any message, e.g. "SessionInterrupted
    <- UpdateError <- OperationalError at django/.../db.py:95 save < tracing/services.py:160"."""
    types = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        types.append(type(current).__name__)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f.filename.startswith(_ROOT) and _VENDORED not in f.filename]
    shown = ([*ours[-_MAX_FRAMES:], frames[-1]] if frames else [])[::-1]
    where = " < ".join(
        dict.fromkeys(
            f"{frame.filename.removeprefix(_ROOT).split(_VENDORED)[-1]}:{frame.lineno} {frame.name}"
            for frame in shown
        )
    )
    return f"{' <- '.join(types)} at {where}" if where else " <- ".join(types)


class ExceptionWithoutMessage(logging.Filter):
    """Replace a record's traceback by the exception's type and frames, without its message.

    Django's `django.request` logger logs every unhandled exception with its traceback, and a
    database error's message can quote a row (a fødselsnummer). The reference number of the
    error page (core.errors.server_error) is added, so the two log lines meet.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            reference = getattr(record, "error_reference", None) or getattr(
                getattr(record, "request", None), "error_reference", "-"
            )
            message = f"{record.getMessage()} reference={reference} exc={exception_summary(exc)}"
            record.msg = message
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


class RequestContext(logging.Filter):
    """Give every record `request_id` (the request being served, or None) and
    `error_reference` (the error page's reference number, when the record is about one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        if getattr(record, "error_reference", None) is None:
            request = getattr(record, "request", None)
            record.error_reference = getattr(request, "error_reference", None)
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line, with a fixed set of fields.

    Only these fields: a record's other attributes (Django's `request`, whose repr holds the
    query string; anything passed as `extra`) never reach the log. The message is the one the
    filters left, so an exception appears by type and frames only (ExceptionWithoutMessage).
    """

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        reference = getattr(record, "error_reference", None)
        if reference:
            line["reference"] = reference
        if record.exc_info and record.exc_info[1] is not None:
            # Only where ExceptionWithoutMessage did not run first: the type and frames.
            line["exception"] = exception_summary(record.exc_info[1])
        return json.dumps(line, ensure_ascii=False)
