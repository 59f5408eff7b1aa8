"""O-3: manage.py municipality NNNN --customer yes|no [--selfreg on|off]"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from municipalities.models import Municipality

pytestmark = pytest.mark.django_db


def status(number):
    m = Municipality.objects.get(number=number)
    return m.is_customer, m.selfreg_enabled


def test_customer_with_selfreg_on(capsys):
    call_command("municipality", "0301", "--customer", "yes", "--selfreg", "on")
    assert status("0301") == (True, True)
    assert "selvregistrering=på" in capsys.readouterr().out


def test_customer_without_selfreg_flag_keeps_the_switch():
    call_command("municipality", "0301", "--customer", "yes", "--selfreg", "on")
    call_command("municipality", "0301", "--customer", "yes")
    assert status("0301") == (True, True)


def test_not_customer_turns_selfreg_off():
    call_command("municipality", "0301", "--customer", "yes", "--selfreg", "on")
    call_command("municipality", "0301", "--customer", "no")
    assert status("0301") == (False, False)


@pytest.mark.parametrize(
    "args",
    [
        ["0301", "--customer", "no", "--selfreg", "on"],
        ["9999", "--customer", "yes"],
        ["0301", "--customer", "maybe"],
        ["0301", "--customer", "yes", "--selfreg", "yes"],
        ["0301"],
    ],
)
def test_bad_input_fails_and_changes_nothing(args):
    with pytest.raises((CommandError, SystemExit)):
        call_command("municipality", *args)
    assert status("0301") == (False, False)
