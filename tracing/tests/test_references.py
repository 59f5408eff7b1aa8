"""«Referansenummer»: short, unguessable, not the database id, unique, on every index."""

import re
import uuid

import pytest
from django.db import IntegrityError, transaction

from tests.factories import IndexFactory, new_fnr
from tracing import references
from tracing.models import RegisteredByKind
from tracing.services import RegisteredBy, Registration, index_register

REFERENCE_RE = re.compile(r"^[2-9A-HJ-NP-Z]{10}$")


def test_a_reference_is_ten_characters_without_look_alikes():
    for _ in range(200):
        reference = references.reference_new()
        assert REFERENCE_RE.match(reference), reference
        assert not set(reference) & set("01OI")


def test_references_are_drawn_with_secrets(monkeypatch):
    drawn = []

    def choice(alphabet):
        drawn.append(alphabet)
        return alphabet[0]

    monkeypatch.setattr(references.secrets, "choice", choice)
    assert references.reference_new() == "2" * 10
    assert drawn == [references.ALPHABET] * 10


def test_typed_references_are_normalised():
    assert references.reference_normalize(" abcde-fghjk ") == "ABCDEFGHJK"
    assert references.is_reference("ABCDEFGHJK")
    assert not references.is_reference("ABCDEFGHJ0")  # 0 is not in the alphabet
    assert not references.is_reference("ABC")


@pytest.mark.django_db
def test_index_register_gives_each_index_its_own_reference_not_its_id():
    registered = [
        index_register(
            registration=Registration(fnr=new_fnr(), first_name="Kari", last_name="Syntetisk"),
            municipality_number="0301",
            registered_by=RegisteredBy(kind=RegisteredByKind.SELF),
            self_registered=True,
            submission_id=uuid.uuid4(),
        ).index
        for _ in range(5)
    ]
    found = {index.reference for index in registered}
    assert len(found) == 5
    for index in registered:
        assert REFERENCE_RE.match(index.reference)
        assert index.reference != str(index.pk)


@pytest.mark.django_db
def test_index_register_draws_again_when_a_reference_is_taken(monkeypatch):
    taken = IndexFactory()
    draws = iter([taken.reference, "ABCDEFGHJK"])
    monkeypatch.setattr("tracing.services.reference_new", lambda: next(draws))
    index = index_register(
        registration=Registration(fnr=new_fnr(), first_name="Ola", last_name="Syntetisk"),
        municipality_number="0301",
        registered_by=RegisteredBy(kind=RegisteredByKind.STAFF),
        self_registered=False,
    ).index
    assert index.reference == "ABCDEFGHJK"


@pytest.mark.django_db
def test_the_database_refuses_a_second_index_with_the_same_reference():
    first = IndexFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        IndexFactory(reference=first.reference)
