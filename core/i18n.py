"""Which language a page is shown in: bokmål (the source), nynorsk or English.

A first visit follows the browser's Accept-Language (Django's LocaleMiddleware). `?lang=nb`,
`?lang=nn` or `?lang=en` on any address chooses one: a municipality publishes a nynorsk or
English link that way, and the language switch on every page uses it. The choice is kept in
the language cookie for the browser session, so it survives the round trip to ID-porten and
back (same site), and it is sent to ID-porten as `ui_locales`.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

LANGUAGE_PARAMETER = "lang"
# The name of the language switch's buttons on a page with a form (templates/_language_switch.html):
# such a POST re-shows the page in the new language with what was typed, and does nothing else.
LANGUAGE_SWITCH_FIELD = "_language_switch"

# Query parameters the language switch carries over to the same page in another language. Only
# those an app has named: a query string may hold what must not be echoed into a page (a
# fødselsnummer typed into a GET form, say).
_KEPT_PARAMETERS: set[str] = set()


def language_switch_keeps(*names: str) -> None:
    """Called from an app's ready(): these query parameters survive a change of language."""
    _KEPT_PARAMETERS.update(names)


def kept_parameters() -> frozenset[str]:
    return frozenset(_KEPT_PARAMETERS)


def is_language_switch(request: HttpRequest) -> bool:
    """A POST sent by the language switch, not by the form's own button."""
    return request.method == "POST" and LANGUAGE_SWITCH_FIELD in request.POST


def requested_language(request: HttpRequest) -> str | None:
    """The language named by `?lang=` if it is one of ours, else None."""
    code = request.GET.get(LANGUAGE_PARAMETER, "")
    return code if code in dict(settings.LANGUAGES) else None


class LanguageChoiceMiddleware:
    """Before Django's LocaleMiddleware: a valid `?lang=` wins over the cookie and
    Accept-Language for this request, and is remembered in the language cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = requested_language(request)
        if chosen:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = chosen
        response = self.get_response(request)
        if chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


def ui_locales() -> str:
    """OpenID Connect `ui_locales` for ID-porten: the language shown now (ID-porten knows nb,
    nn and en)."""
    return translation.get_language() or settings.LANGUAGE_CODE
