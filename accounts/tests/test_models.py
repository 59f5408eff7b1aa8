"""The access log is append-only (B-4); a role is unique per user, municipality and role."""

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import AccessLogEntry, AppendOnlyError, StaffRole
from tests.factories import StaffFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db


def _entry(user) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        user=user,
        username=user.username,
        role="tracer",
        municipality_id="0301",
        object_type="index",
        object_id=1,
        action="view",
        allowed=True,
    )


def test_access_log_entry_cannot_be_saved_again():
    entry = _entry(StaffFactory())
    entry.allowed = False
    with pytest.raises(AppendOnlyError):
        entry.save()
    entry.refresh_from_db()
    assert entry.allowed is True


def test_access_log_entry_cannot_be_deleted():
    entry = _entry(StaffFactory())
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_access_log_queryset_refuses_update_and_delete():
    _entry(StaffFactory())
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().update(allowed=False)
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.filter(allowed=True).count() == 1


def test_access_log_keeps_its_user_from_being_deleted():
    user = StaffFactory()
    _entry(user)
    with pytest.raises(IntegrityError), transaction.atomic():
        user.delete()


@pytest.mark.postgres
def test_database_refuses_update_and_delete_of_access_log_rows(postgres_only):
    entry = _entry(StaffFactory())
    for sql in (
        "UPDATE accounts_accesslogentry SET allowed = false WHERE id = %s",
        "DELETE FROM accounts_accesslogentry WHERE id = %s",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.allowed is True


def test_one_role_per_user_municipality_and_role():
    role = StaffRoleFactory(role="tracer", municipality_id="0301")
    StaffRoleFactory(user=role.user, role="admin", municipality_id="0301")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffRole.objects.create(user=role.user, municipality_id="0301", role="tracer")


def test_unknown_role_is_refused_by_the_database():
    user = StaffFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffRole.objects.create(user=user, municipality_id="0301", role="superhelt")
