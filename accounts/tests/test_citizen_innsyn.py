"""The access log seen from the citizen's side (B-4, innsyn): the reads of a person's records
by staff or an integration, and the citizen's own read as an entry of its own kind."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AccessAction, AccessLogEntry, ObjectType, Role
from accounts.selectors import access_log_reads_of
from accounts.services import (
    AccessRecord,
    access_log_write,
    access_log_write_citizen_view,
    api_token_create,
)
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

FNR, CHILD, OTHER = "12848506018", "01010112345", "03838348792"


def staff_read(
    user,
    fnr=FNR,
    *,
    object_type=ObjectType.INDEX,
    action=AccessAction.VIEW,
    allowed=True,
    now=None,
):
    """A read of `fnr`'s record in Oslo, logged as tracing.access logs it."""
    access_log_write(
        user=user,
        records=[
            AccessRecord(
                object_type=object_type,
                action=action,
                allowed=allowed,
                role=Role.TRACER,
                municipality_number="0301",
                person_fnr=fnr,
            )
        ],
        now=now,
    )


def test_b4_citizen_view_is_its_own_kind_without_a_staff_user():
    access_log_write_citizen_view(citizen_fnr=FNR, person_fnr=CHILD)
    entry = AccessLogEntry.objects.get()
    assert entry.action == AccessAction.CITIZEN_VIEW
    assert entry.user is None and entry.username == "" and entry.municipality is None
    assert (entry.citizen_fnr, entry.person_fnr) == (FNR, CHILD)
    assert entry.object_type == ObjectType.ACCESS_LOG


def test_b4_only_the_citizens_own_kind_may_lack_a_user():
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLogEntry.objects.create(
            user=None, object_type=ObjectType.INDEX, action=AccessAction.VIEW, allowed=True
        )


def test_b4_innsyn_lists_reads_of_the_persons_records_only():
    tracer = StaffFactory(tracer_in=["0301"])
    staff_read(tracer, object_type=ObjectType.INDEX)
    staff_read(tracer, object_type=ObjectType.PERSON, action=AccessAction.LIST)
    staff_read(tracer, object_type=ObjectType.CLOSE_CONTACT, action=AccessAction.EXPORT)
    staff_read(tracer, CHILD)
    # Not reads of the records, refused, about someone else, or the citizen's own look.
    staff_read(tracer, action=AccessAction.NOTE_ADD)
    staff_read(tracer, object_type=ObjectType.ACCESS_LOG, action=AccessAction.LOG_SEARCH)
    staff_read(tracer, allowed=False)
    staff_read(tracer, OTHER)
    access_log_write_citizen_view(citizen_fnr=FNR, person_fnr=FNR)
    shown = list(access_log_reads_of(person_fnrs=[FNR]))
    assert [(e.object_type, e.action) for e in shown] == [
        (ObjectType.CLOSE_CONTACT, AccessAction.EXPORT),
        (ObjectType.PERSON, AccessAction.LIST),
        (ObjectType.INDEX, AccessAction.VIEW),
    ]
    assert len(access_log_reads_of(person_fnrs=[FNR, CHILD])) == 4


def test_b4_innsyn_is_newest_first_and_one_query_with_who_and_where(
    django_assert_num_queries,
):
    tracer = StaffFactory(tracer_in=["0301"], first_name="Kari", last_name="Sporer")
    admin = StaffFactory(admin_in=["0301"])
    token = api_token_create(municipality_number="0301", label="Fagsystemet", created_by=admin)
    now = timezone.now()
    staff_read(tracer, now=now - datetime.timedelta(hours=2))
    staff_read(token.token.service_user, now=now - datetime.timedelta(hours=1))
    with django_assert_num_queries(1):
        shown = [
            (e.user.get_full_name(), getattr(e.user, "api_token", None), e.municipality.name)
            for e in access_log_reads_of(person_fnrs=[FNR])
        ]
    assert shown[0][1].label == "Fagsystemet"
    assert shown[1] == ("Kari Sporer", None, "Oslo")


def test_o4_create_staff_keeps_the_full_name():
    call_command(
        "create_staff",
        "kari",
        "--password",
        "et-langt-testpassord",
        "--municipality",
        "0301",
        "--role",
        "tracer",
        "--name",
        "  Kari  Anne Sporer ",
    )
    user = get_user_model().objects.get(username="kari")
    assert (user.first_name, user.last_name) == ("Kari Anne", "Sporer")
    # Extending the account without --name keeps it.
    call_command("create_staff", "kari", "--municipality", "4601", "--role", "tracer")
    user.refresh_from_db()
    assert user.get_full_name() == "Kari Anne Sporer"
