"""The only way the administration pages reach a municipality (A-2).

An administrator acts only on the municipalities in which they have the administrator role;
any other number, existing or not, answers 404 (the same as the back office does for objects,
B-1), so the answer does not tell which numbers exist or who administers them.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404

from accounts.models import Role
from accounts.selectors import user_has_role
from municipalities.models import Municipality
from municipalities.selectors import municipality_get


def municipality_get_for_admin(*, user: AbstractBaseUser, number: str) -> Municipality:
    """The municipality if the user administers it; else Http404 (A-2)."""
    if not user_has_role(user=user, role=Role.ADMIN, municipality_number=number):
        raise Http404
    municipality = municipality_get(number=number)
    if municipality is None:
        raise Http404
    return municipality
