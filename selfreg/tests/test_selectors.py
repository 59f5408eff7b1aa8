"""C-4 choice tokens and C-6 prefill (selfreg.selectors)."""

import pytest

from core.localtime import local_today
from selfreg.selectors import (
    SELF_CHOICE,
    child_choice_token,
    citizen_person,
    subject_get,
    subject_options,
    subject_prefill,
)
from tests.factories import SyntheticPersonFactory, new_fnr, synthetic_child_of, years_ago

pytestmark = pytest.mark.django_db


def test_c4_token_hides_the_fnr_and_is_bound_to_the_parent():
    child, parent, other = new_fnr(), new_fnr(), new_fnr()
    token = child_choice_token(parent_pid=parent, child_fnr=child)
    assert child not in token and parent not in token
    assert token == child_choice_token(parent_pid=parent, child_fnr=child)
    assert token != child_choice_token(parent_pid=other, child_fnr=child)


def test_c4_token_changes_with_the_secret_key(settings):
    child, parent = new_fnr(), new_fnr()
    token = child_choice_token(parent_pid=parent, child_fnr=child)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert child_choice_token(parent_pid=parent, child_fnr=child) != token


def test_c4_subject_get_finds_self_and_eligible_children_only(parent):
    child = synthetic_child_of(parent, birth_date=years_ago(9))
    adult = synthetic_child_of(parent, birth_date=years_ago(18))
    me = citizen_person(pid=parent.fnr)
    today = local_today()
    assert [s.person.fnr for s in subject_options(parent=me, today=today)] == [
        parent.fnr,
        child.fnr,
    ]
    assert subject_get(parent=me, choice=SELF_CHOICE, today=today).is_self
    token = child_choice_token(parent_pid=parent.fnr, child_fnr=child.fnr)
    assert subject_get(parent=me, choice=token, today=today).person.fnr == child.fnr
    adult_token = child_choice_token(parent_pid=parent.fnr, child_fnr=adult.fnr)
    assert subject_get(parent=me, choice=adult_token, today=today) is None
    assert subject_get(parent=me, choice=child.fnr, today=today) is None


def test_c6_prefill_without_address():
    person = SyntheticPersonFactory(has_address=False, street_name="", postal_code="")
    me = citizen_person(pid=person.fnr)
    [subject] = subject_options(parent=me, today=local_today())
    prefill = subject_prefill(subject=subject)
    assert (prefill.street_address, prefill.postal_code, prefill.post_town) == ("", "", "")
    assert (prefill.phone, prefill.email) == ("", "")
