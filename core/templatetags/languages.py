"""The language switch: the same page in another language (core.i18n)."""

from django import template
from django.http import QueryDict

from core.i18n import LANGUAGE_PARAMETER

register = template.Library()


@register.simple_tag(takes_context=True)
def language_url(context, code: str) -> str:
    """This page's address with `?lang=<code>`, its other query parameters kept (e.g. the
    municipality number of A-3's link)."""
    request = context.get("request")
    if request is None:
        return f"?{LANGUAGE_PARAMETER}={code}"
    query: QueryDict = request.GET.copy()
    query[LANGUAGE_PARAMETER] = code
    return f"{request.path}?{query.urlencode()}"
