"""I-3: a tracer's column choice is kept, per user and worklist."""

import pytest

from tests.factories import StaffFactory
from tracing.selectors import worklist_columns_get
from tracing.services import worklist_columns_set

pytestmark = pytest.mark.django_db


def test_worklist_columns_are_none_until_saved_then_kept_per_user():
    user, other = StaffFactory(), StaffFactory()
    assert worklist_columns_get(user=user, worklist="i-dag") is None
    worklist_columns_set(
        user=user,
        worklist="i-dag",
        columns=["navn", "selvregistrert", "x"],
        allowed={"navn", "selvregistrert"},
    )
    assert worklist_columns_get(user=user, worklist="i-dag") == ["navn", "selvregistrert"]
    assert worklist_columns_get(user=other, worklist="i-dag") is None
    assert worklist_columns_get(user=user, worklist="selvregistrerte") is None
