"""The gates in front of every back-office view (B-1).

Each wrapper carries `staff_guard` (the role it demands), read by the test that walks every
URL pattern under /smittesporing/ and fails on a view without a gate.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.models import Role
from accounts.selectors import user_has_role


def _guard(*roles: Role, name: str = ""):
    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect(
                    f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()})}"
                )
            if not any(user_has_role(user=user, role=role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.staff_guard = name or roles[0].value  # read by the route audit test
        return wrapper

    return decorator


staff_required = _guard(Role.TRACER)
staff_required.__doc__ = """Logged in, and a tracer ("smittesporer") in at least one municipality.

Which objects the tracer may reach is decided per object by tracing.access (B-1)."""

admin_required = _guard(Role.ADMIN)
admin_required.__doc__ = """Logged in, and an administrator in at least one municipality (A-2)."""

tracer_or_admin_required = _guard(Role.TRACER, Role.ADMIN, name="tracer-or-admin")
tracer_or_admin_required.__doc__ = """Logged in, and a tracer or an administrator in at least one
municipality (pages for both, such as «Oversikt»; which municipality, the view checks)."""


def public_view(view):
    """Marks a view under /smittesporing/ that needs no login (the login page itself)."""
    view.staff_guard = "public"
    return view
