"""The gate in front of every citizen page (C-1: nothing is reachable without a login)."""

from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from selfreg.resume import resume_keep
from selfreg.session import citizen_pid


def citizen_login_required(view):
    """Send a citizen without a login to the OIDC login start, back to this page afterwards.

    The view gets the logged-in `pid` as `request.citizen_pid`. A form posted to a view marked
    `keeps_typed_answers` after the login ran out is kept for the next login (selfreg.resume).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        pid = citizen_pid(request.session)
        if not pid:
            if request.method == "POST" and getattr(view, "keeps_typed_answers", False):
                resume_keep(request.session, post=request.POST)
            return redirect(
                f"{reverse('selfreg:login')}?{urlencode({'next': request.get_full_path()})}"
            )
        request.citizen_pid = pid
        return view(request, *args, **kwargs)

    wrapper.citizen_login_required = True  # read by the route audit test
    return wrapper


def keeps_typed_answers(view):
    """Mark a form view whose answers survive a login that ran out (citizen_login_required)."""
    view.keeps_typed_answers = True
    return view
