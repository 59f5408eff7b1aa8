"""tracing.access: the only way staff reach persons, indexes and close contacts (B-1, B-4)."""

import pytest
from django.db import DatabaseError
from django.http import Http404

from accounts.models import AccessLogEntry
from tests.factories import CloseContactFactory, IndexFactory, PersonFactory, StaffFactory
from tracing.access import (
    IndexRow,
    close_contact_get_for_user,
    index_get_for_user,
    index_log_for_user,
    index_queryset_log,
    index_rows_log,
    person_get_for_user,
)
from tracing.models import Index

pytestmark = pytest.mark.django_db

OSLO, BERGEN = "0301", "4601"


@pytest.fixture
def tracer():
    return StaffFactory(tracer_in=[OSLO])


def _only_entry() -> AccessLogEntry:
    entries = list(AccessLogEntry.objects.all())
    assert len(entries) == 1
    return entries[0]


def test_index_of_own_municipality_is_returned_and_logged(tracer):
    index = IndexFactory(person__municipality_id=OSLO)
    assert index_get_for_user(user=tracer, index_id=index.pk, action="view") == index
    entry = _only_entry()
    assert (entry.user, entry.role, entry.municipality_id, entry.allowed) == (
        tracer,
        "tracer",
        OSLO,
        True,
    )
    assert (entry.object_type, entry.object_id, entry.index_id) == ("index", index.pk, index.pk)
    assert (entry.person_id, entry.person_fnr, entry.action) == (index.person_id, index.fnr, "view")


def test_index_of_another_municipality_is_404_and_logged_as_denied(tracer):
    index = IndexFactory(person__municipality_id=BERGEN)
    with pytest.raises(Http404) as raised:
        index_get_for_user(user=tracer, index_id=index.pk, action="view")
    assert str(raised.value) == ""
    entry = _only_entry()
    assert (entry.allowed, entry.role, entry.municipality_id) == (False, "", BERGEN)
    assert (entry.person_id, entry.person_fnr) == (index.person_id, index.fnr)


def test_missing_index_is_the_same_404_and_logged_as_denied(tracer):
    with pytest.raises(Http404) as raised:
        index_get_for_user(user=tracer, index_id=987654, action="view")
    assert str(raised.value) == ""
    entry = _only_entry()
    assert (entry.allowed, entry.object_id, entry.municipality_id, entry.person_fnr) == (
        False,
        987654,
        None,
        "",
    )


def test_admin_role_alone_does_not_open_person_data():
    admin = StaffFactory(admin_in=[OSLO])
    index = IndexFactory(person__municipality_id=OSLO)
    with pytest.raises(Http404):
        index_get_for_user(user=admin, index_id=index.pk, action="view")


def test_tracer_in_two_municipalities_reaches_both():
    user = StaffFactory(tracer_in=[OSLO, BERGEN])
    for number in (OSLO, BERGEN):
        index = IndexFactory(person__municipality_id=number)
        assert index_get_for_user(user=user, index_id=index.pk, action="view") == index


def test_person_access(tracer):
    mine, theirs = PersonFactory(municipality_id=OSLO), PersonFactory(municipality_id=BERGEN)
    assert person_get_for_user(user=tracer, person_id=mine.pk, action="view") == mine
    with pytest.raises(Http404):
        person_get_for_user(user=tracer, person_id=theirs.pk, action="view")
    with pytest.raises(Http404):
        person_get_for_user(user=tracer, person_id=999999, action="view")
    assert list(AccessLogEntry.objects.order_by("id").values_list("object_type", "allowed")) == [
        ("person", True),
        ("person", False),
        ("person", False),
    ]


def test_close_contact_access(tracer):
    mine = CloseContactFactory(person__municipality_id=OSLO, index__person__municipality_id=OSLO)
    theirs = CloseContactFactory(
        person__municipality_id=BERGEN, index__person__municipality_id=BERGEN
    )
    assert close_contact_get_for_user(user=tracer, close_contact_id=mine.pk, action="view") == mine
    with pytest.raises(Http404):
        close_contact_get_for_user(user=tracer, close_contact_id=theirs.pk, action="view")
    allowed, denied = AccessLogEntry.objects.order_by("id")
    assert (allowed.person_fnr, allowed.index_id, allowed.allowed) == (
        mine.person.fnr,
        mine.index_id,
        True,
    )
    assert (denied.person_fnr, denied.allowed) == (theirs.person.fnr, False)


def test_a_log_write_failure_means_no_object(tracer, monkeypatch):
    index = IndexFactory(person__municipality_id=OSLO)

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(AccessLogEntry.objects, "bulk_create", fail)
    with pytest.raises(DatabaseError):
        index_get_for_user(user=tracer, index_id=index.pk, action="view")


def test_index_log_for_user_refuses_another_municipality(tracer):
    index = IndexFactory(person__municipality_id=BERGEN)
    with pytest.raises(Http404):
        index_log_for_user(user=tracer, index=index, action="register")
    assert _only_entry().allowed is False


def test_rows_log_writes_one_entry_per_row_and_refuses_foreign_rows(tracer):
    rows = [IndexRow("index", n, n, f"{n:011d}", OSLO, n) for n in range(1, 6)]
    index_rows_log(user=tracer, rows=rows, action="list")
    assert AccessLogEntry.objects.filter(action="list", allowed=True).count() == 5
    with pytest.raises(PermissionError):
        index_rows_log(user=tracer, rows=[IndexRow("index", 9, 9, "x", BERGEN, 9)], action="list")
    assert AccessLogEntry.objects.count() == 5


def test_rows_log_in_chunks_is_one_moment_and_all_or_nothing(tracer, monkeypatch):
    """Written in chunks so a 50 000-row export does not hold every entry, yet
    one moment for the whole list, and a foreign row late in the list writes nothing."""
    monkeypatch.setattr("tracing.access._LOG_CHUNK", 2)
    rows = [IndexRow("index", n, n, f"{n:011d}", OSLO, n) for n in range(1, 6)]
    index_rows_log(user=tracer, rows=iter(rows), action="export")
    entries = AccessLogEntry.objects.filter(action="export")
    assert sorted(entries.values_list("object_id", flat=True)) == [1, 2, 3, 4, 5]
    assert len(set(entries.values_list("at", flat=True))) == 1
    foreign = [*rows, IndexRow("index", 9, 9, "x", BERGEN, 9)]
    with pytest.raises(PermissionError):
        index_rows_log(user=tracer, rows=iter(foreign), action="list")
    assert not AccessLogEntry.objects.filter(action="list").exists()


def test_queryset_log_writes_one_entry_per_index_in_one_statement(
    tracer, django_assert_num_queries
):
    """The export's access log: INSERT … SELECT, one moment, the right ids."""
    indexes = [IndexFactory() for _ in range(3)]
    with django_assert_num_queries(3):  # roles, the municipality check, the INSERT … SELECT
        written = index_queryset_log(
            user=tracer, indexes=Index.objects.filter(municipality_id=OSLO), action="export"
        )
    assert written == 3
    entries = AccessLogEntry.objects.filter(action="export")
    assert sorted(
        entries.values_list("index_id", "object_id", "person_id", "person_fnr")
    ) == sorted((i.pk, i.pk, i.person_id, i.fnr) for i in indexes)
    assert {(e.municipality_id, e.role, e.object_type, e.allowed, e.user_id, e.username)
            for e in entries} == {(OSLO, "tracer", "index", True, tracer.pk, tracer.username)}  # fmt: skip
    assert len(set(entries.values_list("at", flat=True))) == 1


def test_queryset_log_refuses_a_list_with_a_foreign_index_and_writes_nothing(tracer):
    IndexFactory()
    IndexFactory(person__municipality_id=BERGEN)
    with pytest.raises(PermissionError):
        index_queryset_log(user=tracer, indexes=Index.objects.all(), action="export")
    assert not AccessLogEntry.objects.exists()


def test_access_log_write_select_needs_exactly_the_named_columns(tracer):
    from accounts.services import access_log_write_select

    with pytest.raises(ValueError, match="log_index_id"):
        access_log_write_select(
            user=tracer,
            source=Index.objects.values("pk"),
            object_type="index",
            action="export",
            role="tracer",
        )


# --- many indexes at once (bulk actions) and the search by fødselsnummer ---


def test_indexes_get_for_user_returns_own_in_order_and_names_the_others(tracer):
    from tracing.access import indexes_get_for_user

    first, second = IndexFactory.create_batch(2)
    other = IndexFactory(person__municipality_id=BERGEN)
    allowed, denied = indexes_get_for_user(
        user=tracer, index_ids=[second.pk, other.pk, first.pk, 10**9], action="close"
    )
    assert allowed == [second, first]
    assert denied == [other.pk, 10**9]
    entries = {e.object_id: e for e in AccessLogEntry.objects.all()}
    assert {pk: e.allowed for pk, e in entries.items()} == {
        second.pk: True,
        first.pk: True,
        other.pk: False,
        10**9: False,
    }
    assert {e.action for e in entries.values()} == {"close"}
    assert entries[first.pk].person_fnr == first.fnr
    # B-1: a denied entry tells nothing of the other municipality's person.
    assert entries[other.pk].role == ""


def test_fnr_search_finds_only_in_the_users_municipalities_and_logs_a_search(tracer):
    from tracing.access import indexes_find_by_fnr_for_user

    closed = IndexFactory(closed=True)
    active = IndexFactory(person=closed.person)
    IndexFactory(person__fnr=closed.fnr, person__municipality_id=BERGEN, closed=True)
    found = indexes_find_by_fnr_for_user(user=tracer, fnr=closed.fnr)
    assert found == [active, closed]  # newest first; Bergen's record is not Oslo's to see
    entries = list(AccessLogEntry.objects.order_by("object_id"))
    assert [(e.action, e.object_type, e.index_id) for e in entries] == [
        ("search", "index", closed.pk),
        ("search", "index", active.pk),
    ]
    assert {e.municipality_id for e in entries} == {OSLO}


def test_fnr_search_with_no_hit_is_logged_with_the_number_searched(tracer):
    from tracing.access import indexes_find_by_fnr_for_user

    elsewhere = IndexFactory(person__municipality_id=BERGEN)
    assert indexes_find_by_fnr_for_user(user=tracer, fnr=elsewhere.fnr) == []
    entry = _only_entry()
    assert (entry.action, entry.object_type, entry.object_id, entry.person_fnr) == (
        "search",
        "person",
        None,
        elsewhere.fnr,
    )
    assert (entry.municipality_id, entry.allowed) == (OSLO, True)
