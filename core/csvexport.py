"""CSV downloads for staff (worklists, access log): streamed, Excel-friendly, injection-safe."""

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

# Norwegian Excel reads ';' as the separator (',' is the decimal mark) and needs the BOM for UTF-8.
_BOM = "\ufeff"
_FORMULA_START = ("=", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell that a spreadsheet will not run as a formula (CSV injection).

    '+' and '-' start formulas too, but also phone numbers ("+4791234567"): those are left
    alone when the rest is a plain number.
    """
    text = "" if value is None else str(value)
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
