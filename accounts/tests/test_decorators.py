"""The guards: staff_required (tracer somewhere) and admin_required (administrator somewhere)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.decorators import admin_required, public_view, staff_required
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _view(request):
    return HttpResponse("innhold")


def _request(user):
    request = RequestFactory().get("/smittesporing/noe/?a=1")
    request.user = user
    return request


def test_guards_mark_their_wrapper():
    assert staff_required(_view).staff_guard == "tracer"
    assert admin_required(_view).staff_guard == "admin"
    assert public_view(_view).staff_guard == "public"


def test_anonymous_is_redirected_to_login_with_next():
    from django.contrib.auth.models import AnonymousUser

    response = staff_required(_view)(_request(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"] == "/smittesporing/logg-inn/?next=%2Fsmittesporing%2Fnoe%2F%3Fa%3D1"


def test_tracer_passes_staff_required_but_not_admin_required():
    user = StaffFactory(tracer_in=["0301"])
    assert staff_required(_view)(_request(user)).content == b"innhold"
    with pytest.raises(PermissionDenied):
        admin_required(_view)(_request(user))


def test_admin_passes_admin_required_but_not_staff_required():
    user = StaffFactory(admin_in=["0301"])
    assert admin_required(_view)(_request(user)).content == b"innhold"
    with pytest.raises(PermissionDenied):
        staff_required(_view)(_request(user))


def test_logged_in_user_without_roles_is_refused():
    with pytest.raises(PermissionDenied):
        staff_required(_view)(_request(StaffFactory()))
