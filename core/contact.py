"""Who a person on a public page can contact, when an app knows: e.g. the citizen portal knows
the municipality chosen, and its home page and phone number (the portal's pages and the error
pages show them, so that no page is a dead end).

This module names no app: an app registers a provider in its AppConfig.ready, a function from
the request to extra template context. A provider that fails is left out and logged by its
exception's type only: the page it serves (an error page, a statement) must render anyway.
"""

import logging
from collections.abc import Callable

from django.http import HttpRequest

logger = logging.getLogger(__name__)

ContactProvider = Callable[[HttpRequest], dict]

_PROVIDERS: list[ContactProvider] = []


def contact_provider_register(provider: ContactProvider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def contact_context(request: HttpRequest) -> dict:
    """The context every registered provider gives for this request, merged."""
    context: dict = {}
    for provider in _PROVIDERS:
        try:
            context.update(provider(request))
        except Exception as exc:  # the page must render without it
            logger.warning(
                "contact provider %s failed: %s", provider.__qualname__, type(exc).__name__
            )
    return context
