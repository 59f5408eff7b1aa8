"""API tokens (ADR 0005): made by an administrator for one municipality, shown
once and stored as a SHA-256 hash, revocable, acting through a service user that is a tracer in
that municipality only."""

import hashlib

import pytest
from django.contrib.auth import authenticate, get_user_model

from accounts.models import ApiToken, StaffRole
from accounts.selectors import api_token_list, user_municipality_numbers, user_roles_forget
from accounts.services import (
    AccountsError,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    staff_create_or_extend,
)
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return StaffFactory(admin_in=["0301"])


def test_the_secret_is_random_and_only_its_hash_is_stored(admin):
    first = api_token_create(municipality_number="0301", label="Fagsystem", created_by=admin)
    second = api_token_create(municipality_number="0301", label="Fagsystem", created_by=admin)
    assert first.secret != second.secret
    assert first.secret.startswith("smt_")
    assert len(first.secret) >= 4 + 43  # 32 random bytes, base64url
    stored = ApiToken.objects.get(pk=first.token.pk)
    assert stored.token_hash == hashlib.sha256(first.secret.encode()).hexdigest()
    assert stored.token_prefix == first.secret[:8]
    every_value = " ".join(str(getattr(stored, f.attname)) for f in ApiToken._meta.concrete_fields)
    assert first.secret not in every_value
    assert first.secret[8:] not in every_value


def test_the_service_user_is_a_tracer_in_that_municipality_only(admin):
    created = api_token_create(municipality_number="0301", label="Fagsystem", created_by=admin)
    user = created.token.service_user
    assert user.username.startswith("api-0301-")
    assert not user.has_usable_password()
    assert not (user.is_staff or user.is_superuser)
    assert list(StaffRole.objects.filter(user=user).values_list("municipality_id", "role")) == [
        ("0301", "tracer")
    ]
    assert (created.token.created_by, created.token.label) == (admin, "Fagsystem")


def test_the_service_user_cannot_log_in_or_be_given_a_password(admin):
    created = api_token_create(municipality_number="0301", label="Fagsystem", created_by=admin)
    username = created.token.service_user.username
    assert authenticate(username=username, password="") is None
    with pytest.raises(AccountsError):
        staff_create_or_extend(
            username=username,
            password="et-langt-og-sterkt-passord",
            municipality_numbers=["4601"],
            role="admin",
        )
    assert not get_user_model().objects.get(username=username).has_usable_password()


@pytest.mark.parametrize("label", ["", "   ", "x" * 101], ids=["empty", "blank", "too-long"])
def test_a_token_needs_a_name(admin, label):
    with pytest.raises(AccountsError):
        api_token_create(municipality_number="0301", label=label, created_by=admin)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("number", ["9999", "1601", "abc"], ids=["unknown", "former", "text"])
def test_a_token_needs_a_current_municipality(admin, number):
    with pytest.raises(AccountsError):
        api_token_create(municipality_number=number, label="Fagsystem", created_by=admin)
    assert not get_user_model().objects.filter(username__startswith="api-").exists()


def test_authenticate_finds_the_active_token_and_records_use(admin):
    created = api_token_create(municipality_number="0301", label="Fagsystem", created_by=admin)
    found = api_token_authenticate(secret=created.secret)
    assert found == created.token
    assert found.last_used_at is not None
    assert ApiToken.objects.get(pk=found.pk).last_used_at == found.last_used_at
    assert api_token_authenticate(secret=created.secret[:-1]) is None
    assert api_token_authenticate(secret="") is None
    assert api_token_authenticate(secret="smt_æøå") is None


def test_revoking_refuses_the_token_and_leaves_no_role(admin):
    created = api_token_create(municipality_number="0301", label="Fagsystem", created_by=admin)
    user = created.token.service_user
    assert user_municipality_numbers(user=user) == {"0301"}
    revoked = api_token_revoke(
        token_id=created.token.pk, municipality_number="0301", revoked_by=admin
    )
    assert revoked.revoked_by == admin and revoked.revoked_at is not None
    assert api_token_authenticate(secret=created.secret) is None
    user.refresh_from_db()
    user_roles_forget(user)
    assert user.is_active is False
    assert user_municipality_numbers(user=user) == frozenset()
    # Revoking again changes nothing.
    again = api_token_revoke(
        token_id=created.token.pk, municipality_number="0301", revoked_by=admin
    )
    assert again.revoked_at == revoked.revoked_at


def test_a_token_is_revoked_only_through_its_own_municipality(admin):
    created = api_token_create(municipality_number="0301", label="Fagsystem", created_by=admin)
    with pytest.raises(AccountsError):
        api_token_revoke(token_id=created.token.pk, municipality_number="4601", revoked_by=admin)
    assert api_token_authenticate(secret=created.secret) is not None


def test_the_list_is_per_municipality_newest_first(admin):
    first = api_token_create(municipality_number="0301", label="En", created_by=admin).token
    second = api_token_create(municipality_number="0301", label="To", created_by=admin).token
    api_token_create(municipality_number="4601", label="Bergen", created_by=admin)
    assert list(api_token_list(municipality_number="0301")) == [second, first]
