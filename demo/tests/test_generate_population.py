"""manage.py generate_population: national shape, valid data, the model's invariants."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from demo.population_tracing import OSLO_ACTIVE_PER_PERSON
from registers.identity import is_valid_fnr
from registers.interfaces import get_folkeregister, get_krr
from registers.models import SyntheticKrrEntry, SyntheticParentage, SyntheticPerson
from tracing.models import CloseContact, Index, Note, Person, PersonLock, RegisteredByKind
from tracing.notes import DONE_TITLE, INFO_TITLE
from tracing.rules import CandidateKind
from tracing.selectors import duplicate_candidates
from tracing.services import RegisteredBy, Registration, index_register

pytestmark = pytest.mark.django_db

N = 3000


def generate(*args):
    call_command("generate_population", "--persons", str(N), "--seed", "7", *args)


@pytest.fixture
def population():
    generate()


def test_makes_n_persons_and_a_tracing_history(population):
    assert SyntheticPerson.objects.count() == N
    assert Index.objects.filter(status=Index.Status.ACTIVE).exists()
    assert Index.objects.filter(status=Index.Status.CLOSED).exists()
    assert CloseContact.objects.exists()
    assert SyntheticParentage.objects.exists()


def test_oslo_has_the_most_persons(population):
    per_municipality = Counter(
        SyntheticPerson.objects.values_list("municipality_number", flat=True)
    )
    per_municipality.pop("", None)  # persons without a known address
    (largest, oslo), (second, _) = per_municipality.most_common(2)
    assert (largest, second) == ("0301", "4601")  # Oslo, then Bergen
    assert 0.11 < oslo / N < 0.15  # Oslo is ~13 % of Norway


def test_every_fnr_is_a_valid_synthetic_number_and_unique(population):
    numbers = list(SyntheticPerson.objects.values_list("fnr", flat=True))
    assert len(numbers) == len(set(numbers)) == N
    assert all(is_valid_fnr(n, allow_synthetic=True) for n in numbers)
    assert all(int(n[2:4]) > 80 for n in numbers)  # synthetic: month + 80, never a real person
    assert not any(is_valid_fnr(n, allow_synthetic=False) for n in numbers)


def test_tracing_persons_are_register_persons_with_their_data(population):
    register = get_folkeregister()
    for person in Person.objects.order_by("?")[:50]:
        known = register.person(person.fnr)
        assert (known.first_name, known.last_name) == (person.first_name, person.last_name)
        if known.address:
            assert person.street_address == known.address.street_line


def test_children_share_a_parents_address(population):
    register = get_folkeregister()
    children = SyntheticPerson.objects.filter(parentages__isnull=False).distinct()
    assert children.exists()
    for child in children[:200]:
        parents = child.parentages.values_list("parent_fnr", flat=True)
        addresses = [register.person(fnr).address for fnr in parents]
        assert register.person(child.fnr).address in addresses


def test_some_children_have_a_parent_elsewhere(population):
    """C-4: a parent at another address sees the child in the register but may not register it."""
    register = get_folkeregister()
    elsewhere = 0
    for parentage in SyntheticParentage.objects.select_related("child")[:1000]:
        parent = register.person(parentage.parent_fnr)
        elsewhere += parent.address != register.person(parentage.child_id).address
    assert elsewhere > 0


def test_households_have_addresses_of_their_own(population):
    """Same address means the same household: no child is offered to a stranger (C-4)."""
    households = Counter(
        SyntheticPerson.objects.filter(has_address=True).values_list(
            "street_name", "house_number", "house_letter", "unit_number", "postal_code",
            "municipality_number", "last_name",
        )
    )  # fmt: skip
    by_address = Counter(key[:6] for key in households)
    # Couples may have two last names at one address, never more.
    assert max(by_address.values()) <= 2


def test_most_adults_are_in_krr_and_some_are_reserved(population):
    adults = SyntheticPerson.objects.filter(birth_date__lte="2007-01-01").count()
    in_krr = SyntheticKrrEntry.objects.filter(person__birth_date__lte="2007-01-01").count()
    assert 0.85 < in_krr / adults < 0.99
    assert SyntheticKrrEntry.objects.filter(reserved=True).exists()
    entry = SyntheticKrrEntry.objects.first()
    assert get_krr().contact_info(entry.person_id).email.endswith("@example.com")


def test_oslo_has_its_share_of_open_indexes(population):
    oslo_active = Index.objects.filter(municipality_id="0301", status=Index.Status.ACTIVE)
    assert oslo_active.count() == round(OSLO_ACTIVE_PER_PERSON * N)  # 50 000 at 1 000 000


def test_one_active_index_per_number_and_closed_at_iff_closed(population):
    doubles = (
        Index.objects.filter(status=Index.Status.ACTIVE)
        .values("fnr")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not doubles.exists()
    assert not Index.objects.filter(status=Index.Status.ACTIVE, closed_at__isnull=False).exists()
    assert not Index.objects.filter(status=Index.Status.CLOSED, closed_at__isnull=True).exists()


def test_indexes_are_as_the_import_service_writes_them(population):
    rules = set(Index.objects.values_list("duplicate_rule", flat=True))
    assert rules <= {"D-0", "D-1b", "D-1c", "D-1d"}
    assert {"D-0", "D-1b"} <= rules
    kinds = set(Index.objects.values_list("registered_by_kind", flat=True))
    assert kinds <= set(RegisteredByKind.values)
    for index in Index.objects.select_related("person").order_by("?")[:300]:
        assert index.fnr == index.person.fnr
        assert index.follow_up_on >= timezone.localdate(index.opened_at)
        if index.registered_by_kind == RegisteredByKind.SELF:
            assert index.registered_by_fnr == index.fnr
        if index.registered_by_kind == RegisteredByKind.GUARDIAN:
            parents = SyntheticParentage.objects.filter(child_id=index.fnr)
            assert parents.filter(parent_fnr=index.registered_by_fnr).exists()
        if index.duplicate_rule == "D-1c":
            assert index.person.possible_duplicate
        if index.converted_from_contact_id:
            assert index.converted_from_contact.person_id == index.person_id


def test_self_registered_indexes_have_the_two_notes(population):
    self_registered = Index.objects.filter(self_registered=True)
    assert self_registered.exists()
    assert Note.objects.count() == 2 * self_registered.count()
    index = self_registered.first()
    assert [n.title for n in index.notes.all()] == [INFO_TITLE, DONE_TITLE]  # newest first
    assert index.submission_id is not None


def test_duplicate_rules_see_the_generated_history(population):
    active = Index.objects.filter(status=Index.Status.ACTIVE).first()
    assert CandidateKind.ACTIVE_INDEX in [c.kind for c in duplicate_candidates(fnr=active.fnr)]
    contact = CloseContact.objects.filter(person__indexes__isnull=True).first()
    assert [c.kind for c in duplicate_candidates(fnr=contact.person.fnr)] == [
        CandidateKind.CLOSE_CONTACT
    ]
    assert PersonLock.objects.filter(fnr=active.fnr).exists()


def test_the_import_service_reenrolls_a_generated_closed_index(population):
    closed = (
        Person.objects.filter(indexes__status=Index.Status.CLOSED, possible_duplicate=False)
        .exclude(indexes__status=Index.Status.ACTIVE)
        .exclude(fnr__in=Person.objects.filter(possible_duplicate=True).values("fnr"))
        .first()
    )
    result = index_register(
        registration=Registration(fnr=closed.fnr, first_name="A", last_name="B"),
        municipality_number=closed.municipality_id,
        registered_by=RegisteredBy(kind=RegisteredByKind.STAFF),
        self_registered=False,
    )
    assert result.rule == "D-1b"


def test_refuses_when_data_exists_and_changes_nothing(population):
    before = Index.objects.count()
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_population", "--persons", "10", "--seed", "1")
    assert SyntheticPerson.objects.count() == N
    assert Index.objects.count() == before


def test_replace_empties_first_and_the_same_seed_gives_the_same_people(population):
    first = set(SyntheticPerson.objects.values_list("fnr", "first_name", "birth_date"))
    generate("--replace")
    assert set(SyntheticPerson.objects.values_list("fnr", "first_name", "birth_date")) == first
    assert Index.objects.filter(municipality_id="0301", status="active").count() == round(
        OSLO_ACTIVE_PER_PERSON * N
    )


def test_refused_in_production_mode(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("generate_population", "--persons", "10", "--seed", "1")
    assert not SyntheticPerson.objects.exists()


def test_refuses_a_nonsense_size():
    with pytest.raises(CommandError, match="--persons"):
        call_command("generate_population", "--persons", "0", "--seed", "1")


def test_replace_never_hands_out_an_id_again(population):
    """The access log (B-4) keeps person and index ids: they must not come to mean another."""
    last_person = Person.objects.order_by("-id").first().id
    last_index = Index.objects.order_by("-id").first().id
    generate("--replace")
    assert Person.objects.order_by("id").first().id > last_person
    assert Index.objects.order_by("id").first().id > last_index
