"""CSV downloads for staff (worklists, access log): streamed, Excel-friendly, injection-safe."""

import csv
import re
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

# Norwegian Excel reads ';' as the separator (',' is the decimal mark) and needs the BOM for UTF-8.
_BOM = "\ufeff"
_FORMULA_START = ("=", "@", "\t", "\r")
_DIGITS = re.compile(r"[0-9]+")
# A fødselsnummer's length: every one is text, so a column of them is one kind of cell.
_LONG_DIGITS = 11


def csv_safe(value: object) -> str:
    """A cell that a spreadsheet will not run as a formula (CSV injection), and that keeps a
    number's leading zero.

    '+' and '-' start formulas too, but also phone numbers ("+4791234567"): those are left
    alone when the rest is a plain number. A spreadsheet reads "01018012345" as the number
    1018012345: a fødselsnummer, kommunenummer or postal code with a leading zero (and any
    long digit string, which it would round) is written as the text formula ="01018012345",
    which Excel shows as the text itself. Only digits go inside it, so it cannot carry a
    formula of anyone's choosing.
    """
    text = "" if value is None else str(value)
    if _DIGITS.fullmatch(text) and (
        (text.startswith("0") and len(text) > 1) or len(text) >= _LONG_DIGITS
    ):
        return f'="{text}"'
    if text.startswith(_FORMULA_START):
        return "'" + text
    if text[:1] in ("+", "-") and not text[1:].replace(" ", "").isdigit():
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


_LINES_PER_CHUNK = 200  # one piece of the stream: ~16 kB, instead of one per line


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield _BOM + writer.writerow([csv_safe(h) for h in header])
    lines = []
    for row in rows:
        lines.append(writer.writerow([csv_safe(cell) for cell in row]))
        if len(lines) == _LINES_PER_CHUNK:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """Stream rows as they are read (pass a queryset's `.iterator()`), never all in memory.

    The header's (lazily translated) labels are made text here, in the request's language."""
    header = [str(h) for h in header]
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
