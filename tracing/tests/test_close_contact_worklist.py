"""The «Nærkontakter» list's selectors, its services (status, note) and its access log."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import AccessAction
from tests.factories import CloseContactFactory, IndexFactory, StaffFactory
from tracing.access import close_contacts_list_log
from tracing.close_contact_worklist import (
    CloseContactFilters,
    close_contact_columns,
    close_contact_reported_by,
    close_contacts_list,
)
from tracing.models import CloseContact, Note
from tracing.services import TracingError, close_contact_set_status, note_add

pytestmark = pytest.mark.django_db

OSLO, BERGEN = "0301", "4601"


def test_unknown_or_unsortable_column_is_refused():
    filters = CloseContactFilters(municipality_numbers=frozenset({OSLO}))
    for column in ("person__fnr", "telefon", "fodselsnummer"):
        with pytest.raises(ValueError):
            close_contacts_list(filters=filters, column=column, descending=False)


def test_columns_required_first_and_unknown_dropped():
    keys = [c.key for c in close_contact_columns(chosen=["telefon", "finnes-ikke", "navn"])]
    assert keys == ["navn", "indeks", "telefon"]
    assert [c.key for c in close_contact_columns(chosen=None)][:3] == ["navn", "indeks", "status"]


def test_filters_by_municipality_status_reporter_and_date():
    old = CloseContactFactory(registered_at=timezone.now() - datetime.timedelta(days=10))
    new = CloseContactFactory(reported_by=CloseContact.ReportedBy.INDEX)
    bergen = CloseContactFactory(
        index=IndexFactory(person__municipality_id=BERGEN), person__municipality_id=BERGEN
    )
    today = timezone.localdate()

    def listed(**kwargs):
        filters = CloseContactFilters(municipality_numbers=frozenset({OSLO}), **kwargs)
        return set(close_contacts_list(filters=filters, column="rapportert", descending=True))

    assert listed() == {old, new}
    assert bergen not in listed()
    assert listed(reported_by="index") == {new}
    assert listed(reported_from=today - datetime.timedelta(days=1)) == {new}
    assert listed(reported_to=today - datetime.timedelta(days=5)) == {old}
    assert listed(status="contacted") == set()


def test_reported_by_is_the_tracer_or_the_index():
    tracer = StaffFactory(first_name="Tove", last_name="Sporer")
    nameless = StaffFactory(first_name="", last_name="", username="sporer7")
    assert close_contact_reported_by(CloseContactFactory(registered_by_user=tracer)) == (
        "Tove Sporer"
    )
    assert close_contact_reported_by(CloseContactFactory(registered_by_user=nameless)) == (
        "sporer7"
    )
    assert close_contact_reported_by(CloseContactFactory()) == "Smittesporer"
    by_index = CloseContactFactory(reported_by=CloseContact.ReportedBy.INDEX)
    assert close_contact_reported_by(by_index) == "Registrert av indeks"


def test_set_status_records_when_and_refuses_an_unknown_one():
    contact = CloseContactFactory()
    moment = timezone.now() - datetime.timedelta(hours=1)
    close_contact_set_status(contact=contact, status="not_reached", now=moment)
    contact.refresh_from_db()
    assert (contact.status, contact.status_changed_at) == ("not_reached", moment)
    # The same status again is no change: the moment of the change stays.
    close_contact_set_status(contact=contact, status="not_reached")
    contact.refresh_from_db()
    assert contact.status_changed_at == moment
    with pytest.raises(TracingError):
        close_contact_set_status(contact=contact, status="gone")


def test_b3_a_contact_note_only_on_the_contacts_own_index_and_never_changed():
    contact = CloseContactFactory()
    other = IndexFactory()
    with pytest.raises(ValueError):
        note_add(
            index=other,
            close_contact=contact,
            title="x",
            text="y",
            user=None,
            author_label="Test",
        )
    note = note_add(
        index=contact.index,
        close_contact=contact,
        title="Nærkontakt",
        text="Ringt.",
        user=None,
        author_label="Test",
    )
    assert list(contact.notes.all()) == [note]
    note.text = "Endret"
    with pytest.raises(ValueError):
        note.save()
    assert Note.objects.get().text == "Ringt."


def test_b4_the_list_log_refuses_a_row_outside_the_users_municipalities():
    user = StaffFactory(tracer_in=[OSLO])
    bergen = CloseContactFactory(
        index=IndexFactory(person__municipality_id=BERGEN), person__municipality_id=BERGEN
    )
    row = (bergen.pk, bergen.person_id, bergen.person.fnr, BERGEN, bergen.index_id)
    with pytest.raises(PermissionError):
        close_contacts_list_log(user=user, rows=[row], action=AccessAction.LIST)


def test_s11_retention_deletes_a_closed_indexs_contact_notes_with_it():
    from tracing.retention import closed_indexes_delete

    index = IndexFactory(status="closed", closed_at=timezone.now() - datetime.timedelta(days=400))
    contact = CloseContactFactory(index=index)
    note_add(
        index=index,
        close_contact=contact,
        title="Nærkontakt",
        text="Ringt.",
        user=None,
        author_label="Test",
    )
    result = closed_indexes_delete(closed_before=timezone.now())
    assert (result.indexes, result.close_contacts, result.notes) == (1, 1, 1)
    assert not CloseContact.objects.exists() and not Note.objects.exists()
