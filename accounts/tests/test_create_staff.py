"""O-4: manage.py create_staff USERNAME --password P --municipality NNNN --role tracer|admin"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import StaffRole

pytestmark = pytest.mark.django_db

PASSWORD = "et-langt-testpassord"


def test_creates_then_extends_an_account(capsys):
    call_command(
        "create_staff",
        "kari",
        "--password",
        PASSWORD,
        "--municipality",
        "0301",
        "--municipality",
        "4601",
        "--role",
        "tracer",
    )
    call_command("create_staff", "kari", "--municipality", "0301", "--role", "admin")
    user = get_user_model().objects.get(username="kari")
    assert set(StaffRole.objects.filter(user=user).values_list("municipality_id", "role")) == {
        ("0301", "tracer"),
        ("4601", "tracer"),
        ("0301", "admin"),
    }
    assert user.check_password(PASSWORD)
    assert not user.is_staff
    out = capsys.readouterr().out
    assert "Opprettet kari" in out and "Oppdaterte kari" in out


@pytest.mark.parametrize(
    "args",
    [
        ["--password", PASSWORD, "--municipality", "9999", "--role", "tracer"],
        ["--password", PASSWORD, "--municipality", "0301", "--role", "sjef"],
        ["--password", PASSWORD, "--role", "tracer"],
        ["--municipality", "0301", "--role", "tracer"],
    ],
)
def test_bad_input_is_a_command_error_and_changes_nothing(args):
    with pytest.raises(CommandError):
        call_command("create_staff", "kari", *args)
    assert not get_user_model().objects.filter(username="kari").exists()
    assert not StaffRole.objects.exists()


def test_a_created_account_cannot_use_djangos_admin(client):
    call_command(
        "create_staff", "kari", "--password", PASSWORD, "--municipality", "0301", "--role", "admin"
    )
    client.force_login(get_user_model().objects.get(username="kari"))
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert "/django-admin/login/" in response["Location"]
