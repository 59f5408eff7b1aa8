"""The front page, where a person who opens the bare address finds the two doors, and the two
statements every page links to in its footer: the privacy statement and the accessibility
statement (public bodies must publish one)."""

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from core.contact import contact_context

# When the accessibility statement was last checked against the service (uutilsynet asks for
# the date; a new round of testing moves it).
ACCESSIBILITY_CHECKED = datetime.date(2026, 12, 3)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Public and without personal data: links to the citizen portal and the back office."""
    return render(request, "home.html")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and other clients ask for without reading the page's
    <link rel="icon">: our own icon from static, never a 404."""
    return redirect(static("favicon.ico"))


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """«Personvernerklæring»: the retention periods are the settings `manage.py retention`
    deletes by, so the page says what the service does, not what it once did."""
    context = {
        "closed_index_days": settings.RETENTION_CLOSED_INDEX_DAYS,
        "access_log_days": settings.RETENTION_ACCESS_LOG_DAYS,
        "outbox_days": settings.OUTBOX_KEEP_DAYS,
        "idle_minutes": settings.SESSION_IDLE_TIMEOUT_SECONDS // 60,
        **contact_context(request),
    }
    return render(request, "statements/privacy.html", context)


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    """«Tilgjengelighetserklæring», in the shape of uutilsynet's template."""
    context = {
        "checked": ACCESSIBILITY_CHECKED,
        "idle_minutes": settings.SESSION_IDLE_TIMEOUT_SECONDS // 60,
        **contact_context(request),
    }
    return render(request, "statements/accessibility.html", context)
