"""Logging filters (R3). Plain Python: the logging configuration loads this before Django's
apps are ready."""

import logging
import traceback
from pathlib import Path

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
            reference = getattr(getattr(record, "request", None), "error_reference", "-")
            message = f"{record.getMessage()} reference={reference} exc={exception_summary(exc)}"
            record.msg = message
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
