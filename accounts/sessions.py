"""The staff login's place in the session: when it began, for S5's absolute limit."""

import time

from django.http import HttpRequest

STAFF_LOGIN_AT_KEY = "staff_login_at"


def staff_login_stamp(sender, request: HttpRequest, user, **kwargs) -> None:
    """user_logged_in receiver: every staff login (back office, Django admin, tests'
    force_login) records when it happened, as citizen_login does for citizens."""
    request.session[STAFF_LOGIN_AT_KEY] = int(time.time())
