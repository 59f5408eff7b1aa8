"""Template helpers for showing values: where a long token may wrap."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# After these a line may break inside an e-mail address, a link or an id: the reader sees
# "kari.nordmann@" / "example.com", never "kari.nordm" / "ann@example.com".
_BREAK_POINT = re.compile(r"(?<=[@/.?&=_])(?=[^\s@/.?&=_])")


@register.filter
def breakable(value) -> SafeString:
    """The value, escaped, with a <wbr> after each @ / . ? & = _ inside a token, so that a long
    token wraps at those points and nowhere else."""
    if value is None:
        return mark_safe("")
    pieces = _BREAK_POINT.split(str(value))
    return mark_safe("<wbr>".join(escape(piece) for piece in pieces))  # noqa: S308 (escaped)
