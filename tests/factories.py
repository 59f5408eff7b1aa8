"""Factories for every model the tests build. All persons are synthetic (month + 80 numbers)."""

import datetime
import itertools
import random

import factory
from django.utils import timezone

from registers.identity import synthetic_fnr
from registers.models import SyntheticKrrEntry, SyntheticParentage, SyntheticPerson
from registers.types import Address, ContactInfo, RegisterPerson
from tracing.models import CloseContact, Index, Note, Person, RegisteredByKind

_rng = random.Random(20211221)
_issued: set[str] = set()
# A birth date has about 400 synthetic numbers; once a date's are nearly all handed out (the
# default date, in the fuzz tests), a repeat is allowed rather than a long search.
_DRAWS = 50


def new_fnr(birth_date: datetime.date | None = None) -> str:
    """A synthetic fødselsnummer not handed out before in this test where that can be had (the
    set is emptied before each test, conftest.py): random draws for one birth date would
    otherwise collide now and then."""
    for _ in range(_DRAWS):
        fnr = synthetic_fnr(birth_date or datetime.date(1980, 5, 17), _rng)
        if fnr not in _issued:
            break
    _issued.add(fnr)
    return fnr


def years_ago(years: int, *, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day - datetime.timedelta(days=days)


class SyntheticPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SyntheticPerson

    birth_date = factory.LazyFunction(lambda: years_ago(40))
    fnr = factory.LazyAttribute(lambda o: new_fnr(o.birth_date))
    first_name = factory.Sequence(lambda n: f"Testfornavn{n}")
    middle_name = ""
    last_name = "Syntetisk"
    has_address = True
    street_name = "Storgata"
    house_number = "1"
    house_letter = ""
    unit_number = "H0101"
    postal_code = "0155"
    municipality_number = "0301"


class SyntheticParentageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SyntheticParentage

    parent_fnr = factory.LazyFunction(new_fnr)
    child = factory.SubFactory(SyntheticPersonFactory)


class SyntheticKrrEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SyntheticKrrEntry

    person = factory.SubFactory(SyntheticPersonFactory)
    phone = "+4799999999"
    email = factory.Sequence(lambda n: f"person{n}@example.no")
    reserved = False


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    # One birth date per record, so that records made in bulk never share a number by chance
    # (a single birth date has only a few hundred synthetic numbers).
    fnr = factory.Sequence(
        lambda n: new_fnr(datetime.date(1950, 1, 1) + datetime.timedelta(days=n))
    )
    municipality_id = "0301"
    first_name = factory.Sequence(lambda n: f"Indeksfornavn{n}")
    last_name = "Syntetisk"


class IndexFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Index

    person = factory.SubFactory(PersonFactory)
    fnr = factory.SelfAttribute("person.fnr")
    birth_date = factory.SelfAttribute("person.birth_date")
    municipality_id = factory.SelfAttribute("person.municipality_id")
    status = Index.Status.ACTIVE
    follow_up_on = factory.LazyFunction(timezone.localdate)
    registered_by_kind = RegisteredByKind.STAFF
    duplicate_rule = "D-0"

    class Params:
        closed = factory.Trait(
            status=Index.Status.CLOSED,
            closed_at=factory.LazyFunction(timezone.now),
        )


class CloseContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CloseContact

    person = factory.SubFactory(PersonFactory)
    index = factory.SubFactory(IndexFactory)
    municipality_id = factory.SelfAttribute("person.municipality_id")


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    index = factory.SubFactory(IndexFactory)
    title = "Notat"
    text = "Ringt indeks."
    author_label = "Smittesporer"


class AddressFactory(factory.Factory):
    """A bostedsadresse as the registers answer it (registers.types.Address)."""

    class Meta:
        model = Address

    street_name = "Storgata"
    house_number = "1"
    house_letter = ""
    unit_number = "H0101"
    postal_code = "0155"
    municipality_number = "0301"


class RegisterPersonFactory(factory.Factory):
    """A person as Folkeregisteret answers (registers.types.RegisterPerson), not a DB row."""

    class Meta:
        model = RegisterPerson

    # Birth dates differ so that numbers drawn in one test do not collide.
    birth_date = factory.Sequence(lambda n: years_ago(40, days=n % 3650))
    fnr = factory.LazyAttribute(lambda o: new_fnr(o.birth_date))
    first_name = factory.Sequence(lambda n: f"Registerfornavn{n}")
    middle_name = ""
    last_name = "Syntetisk"
    address = factory.SubFactory(AddressFactory)


class ContactInfoFactory(factory.Factory):
    """A KRR entry as the registers answer it (registers.types.ContactInfo)."""

    class Meta:
        model = ContactInfo

    phone = "+4799999999"
    email = factory.Sequence(lambda n: f"kontakt{n}@example.no")
    reserved = False


_entry_days = itertools.count()


def register_file_entry(*, birth_date: datetime.date | None = None, **fields) -> dict:
    """One person in the format of `manage.py load_register` (O-2); `fields` replace keys,
    and a field given as None is left out (e.g. `krr=None`: not in KRR)."""
    birth_date = birth_date or years_ago(40, days=next(_entry_days) % 3650)
    entry = {
        "foedselsnummer": new_fnr(birth_date),
        "fornavn": "Kari",
        "mellomnavn": "",
        "etternavn": "Nordmann",
        "foedselsdato": birth_date.isoformat(),
        "bostedsadresse": {
            "adressenavn": "Storgata",
            "husnummer": "1",
            "husbokstav": "",
            "bruksenhetsnummer": "H0101",
            "postnummer": "0155",
            "kommunenummer": "0301",
        },
        "foreldre": [],
        "krr": {
            "mobiltelefonnummer": "+4791234567",
            "epostadresse": "kari@example.no",
            "reservert": False,
        },
    }
    entry.update(fields)
    return {key: value for key, value in entry.items() if value is not None}


def synthetic_child_of(
    parent: SyntheticPerson, *, birth_date: datetime.date, same_address: bool = True, **fields
) -> SyntheticPerson:
    """A child in the synthetic Folkeregister, related to `parent`, by default living at the
    parent's address (C-4) and with the parent's last name."""
    fields.setdefault("last_name", parent.last_name)
    if same_address and parent.has_address:
        for name in (
            "has_address",
            "street_name",
            "house_number",
            "house_letter",
            "unit_number",
            "postal_code",
            "municipality_number",
        ):
            fields.setdefault(name, getattr(parent, name))
    child = SyntheticPersonFactory(birth_date=birth_date, **fields)
    SyntheticParentageFactory(parent_fnr=parent.fnr, child=child)
    return child


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff user (accounts): no is_staff, no usable password unless `password=` is given.

    Give roles with StaffRoleFactory, or `StaffFactory(tracer_in=["0301"], admin_in=[...])`.
    """

    class Meta:
        model = "auth.User"
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"smittesporer{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Smittesporer{n}")
    is_staff = False

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        # Argon2 is slow on purpose; most tests log in with force_login and need no hash.
        if extracted:
            self.set_password(extracted)
        else:
            self.set_unusable_password()
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def tracer_in(self, create, extracted, **kwargs):
        for number in extracted or ():
            StaffRoleFactory(user=self, municipality_id=number, role="tracer")

    @factory.post_generation
    def admin_in(self, create, extracted, **kwargs):
        for number in extracted or ():
            StaffRoleFactory(user=self, municipality_id=number, role="admin")


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.StaffRole"

    user = factory.SubFactory(StaffFactory)
    municipality_id = "0301"
    role = "tracer"
