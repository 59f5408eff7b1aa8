"""The language switch: the same page in another language (core.i18n)."""

from django import template
from django.http import QueryDict

from core.i18n import LANGUAGE_PARAMETER, kept_parameters

register = template.Library()


@register.simple_tag(takes_context=True)
def language_url(context, code: str) -> str:
    """This page's address with `?lang=<code>`, the query parameters apps named kept (e.g. the
    municipality number of A-3's link, a worklist's filters). Relative (query only), so that
    a page's body does not repeat its path: a 404 for another municipality's object must read
    exactly like one for a missing object (S-1)."""
    request = context.get("request")
    if request is None:
        return f"?{LANGUAGE_PARAMETER}={code}"
    kept = kept_parameters()
    query = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name in kept:
            query.setlist(name, values)
    query[LANGUAGE_PARAMETER] = code
    return f"?{query.urlencode()}"
