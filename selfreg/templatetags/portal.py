"""Template tags of the citizen portal."""

import time

from django import template
from django.urls import reverse

from selfreg.auth_views import login_url
from selfreg.session import citizen_pid, login_time_left

register = template.Library()

# How long before the login ends the page warns («Du blir snart logget ut»).
WARN_BEFORE_SECONDS = 120


@register.inclusion_tag("selfreg/_session_warning.html", takes_context=True)
def session_warning(context, *, keeps_answers: bool = False):
    """The warning before the login runs out, shown by static/js/session-warning.js. Nothing
    for a visitor without a login. `keeps_answers`: the page is a form whose answers survive
    a login that ran out (selfreg.resume), and the warning says so."""
    request = context.get("request")
    if request is None or not citizen_pid(request.session):
        return {"show": False}
    left = login_time_left(request.session, now=time.time())
    here = request.get_full_path()
    return {
        "show": True,
        "seconds_left": left.seconds,
        "extendable": left.extendable,
        "warn_before": WARN_BEFORE_SECONDS,
        "extend_url": reverse("selfreg:extend_session"),
        "here": here,
        "login_url": login_url(here),
        "keeps_answers": keeps_answers,
        "csrf_token": context.get("csrf_token"),
    }
