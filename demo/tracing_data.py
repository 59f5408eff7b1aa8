"""Demo tracing history, written through tracing.services like any other registration."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from demo.personas import INGRID, LARS, NORA, SIGRID
from registers.identity import synthetic_fnr
from tracing.access import AccessAction, close_contacts_log, index_get_for_user
from tracing.models import Index, RegisteredByKind
from tracing.overview import PERIOD_DAYS
from tracing.selectors import duplicate_candidates
from tracing.services import (
    PersonDetails,
    RegisteredBy,
    Registration,
    close_contact_register,
    close_contact_set_status,
    index_close,
    index_register,
)

STAFF = RegisteredBy(kind=RegisteredByKind.STAFF)
FIRST_NAMES = [
    "Anne",
    "Inger",
    "Marit",
    "Liv",
    "Ingrid",
    "Jan",
    "Per",
    "Bjørn",
    "Ole",
    "Lars",
    "Knut",
    "Hilde",
    "Nina",
    "Silje",
    "Emil",
    "Jakob",
    "Sara",
    "Maja",
]
LAST_NAMES = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
]


def _today_minus(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def load_demo_tracing_data(
    *, extra_indexes: int = 120, seed: int = 2026, reader: AbstractBaseUser | None = None
) -> bool:
    """Create the demo history once; returns False when it is already there. With a `reader`
    (a demo tracer in Oslo), that tracer has opened Sigrid's and Lars's indexes."""
    if duplicate_candidates(fnr=SIGRID):
        return False
    now = timezone.now()
    sigrid = index_register(
        registration=Registration(
            fnr=SIGRID,
            first_name="Sigrid",
            last_name="Strand",
            test_date_from=_today_minus(2),
            workplace_or_school="Grünerløkka skole",
        ),
        municipality_number="0301",
        registered_by=STAFF,
        self_registered=False,
        now=now - datetime.timedelta(days=2),
    ).index
    close_contact_register(
        index=sigrid,
        person=PersonDetails(fnr=NORA, first_name="Nora", last_name="Berg"),
        last_contact_on=_today_minus(3),
    )
    _load_worked_contacts(index=sigrid, rng=random.Random(seed + 1), now=now)
    lars = index_register(
        registration=Registration(
            fnr=LARS, first_name="Lars", last_name="Dahl", test_date_from=_today_minus(40)
        ),
        municipality_number="0301",
        registered_by=STAFF,
        self_registered=False,
        now=now - datetime.timedelta(days=40),
    ).index
    index_close(index=lars, now=now - datetime.timedelta(days=30))
    index_register(
        registration=Registration(
            fnr=INGRID, first_name="Ingrid", last_name="Lie", test_date_from=_today_minus(1)
        ),
        municipality_number="5001",
        registered_by=STAFF,
        self_registered=False,
        now=now - datetime.timedelta(days=1),
    )
    _load_overview_cases(rng=random.Random(seed + 2), now=now)
    _load_extra_indexes(count=extra_indexes, rng=random.Random(seed), now=now)
    if reader is not None:
        for index in (sigrid, lars):
            _demo_read(user=reader, index=index)
    return True


def _load_worked_contacts(*, index, rng: random.Random, now: datetime.datetime) -> None:
    """Two more of Sigrid's close contacts, reported by Oslo's demo tracer and already worked
    on («Kontaktet», «Ikke nådd»), so that «Nærkontakter» shows each status. Unlike Nora they
    are not in the demo register."""
    tracer = get_user_model().objects.filter(username="oslo.smittesporer").first()
    for first, last, status, days in (
        ("Hilde", "Haugen", "contacted", 1),
        ("Emil", "Nilsen", "not_reached", 0),
    ):
        birth = datetime.date(rng.randint(1960, 2005), rng.randint(1, 12), rng.randint(1, 28))
        contact = close_contact_register(
            index=index,
            person=PersonDetails(
                fnr=synthetic_fnr(birth, rng), first_name=first, last_name=last, birth_date=birth
            ),
            last_contact_on=_today_minus(3),
            user=tracer,
            now=now - datetime.timedelta(days=days, hours=2),
        )
        close_contact_set_status(
            contact=contact, status=status, now=now - datetime.timedelta(days=days)
        )


def _demo_read(*, user: AbstractBaseUser, index: Index) -> None:
    """The index page opened, through the access functions as the page does: the index and its
    close contacts (Nora Berg on Sigrid's) in the access log, so that the administrator's log
    and «Hvem har sett opplysningene mine» of Lars and Nora have something to show."""
    shown = index_get_for_user(user=user, index_id=index.pk, action=AccessAction.VIEW)
    contacts = list(shown.close_contacts.select_related("person"))
    close_contacts_log(user=user, index=shown, contacts=contacts, action=AccessAction.VIEW)


def _load_overview_cases(*, rng: random.Random, now: datetime.datetime) -> None:
    """A second Oslo case (self-registered, in a risk group) and a Bergen case (overdue), so
    that «Oversikt» has answers, age groups and a follow-up to show even without the extra
    indexes."""
    for number, first, last, birth, days_ago, place, risk, selfreg in (
        ("0301", "Henrik", "Moe", datetime.date(1956, 3, 14), 5, "household", "yes", True),
        ("4601", "Solveig", "Aas", datetime.date(1992, 9, 2), 3, "work", "no", False),
    ):
        index_register(
            registration=Registration(
                fnr=synthetic_fnr(birth, rng),
                first_name=first,
                last_name=last,
                birth_date=birth,
                test_date_from=_today_minus(days_ago + 1),
                infection_place=place,
                risk_group=risk,
            ),
            municipality_number=number,
            registered_by=RegisteredBy(kind=RegisteredByKind.SELF) if selfreg else STAFF,
            self_registered=selfreg,
            now=now - datetime.timedelta(days=days_ago),
        )


def _load_extra_indexes(*, count: int, rng: random.Random, now: datetime.datetime) -> None:
    """Synthetic indexes so that the worklists have something to show, and «Oversikt» a chart:
    spread over its 8 weeks, more of them lately; those older than two weeks are closed."""
    for _ in range(count):
        birth = datetime.date(rng.randint(1945, 2020), rng.randint(1, 12), rng.randint(1, 28))
        days_ago = min(int(rng.expovariate(1 / 14)), PERIOD_DAYS - 1)
        self_registered = rng.random() < 0.5
        result = index_register(
            registration=Registration(
                fnr=synthetic_fnr(birth, rng),
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                birth_date=birth,
                test_date_from=_today_minus(days_ago),
                no_symptoms=rng.random() < 0.3,
                infection_place=rng.choice(
                    ["household", "household", "work", "school", "leisure", "abroad", "unknown"]
                ),
                risk_group=rng.choice(["yes", "no", "unknown"]),
            ),
            municipality_number=rng.choice(["0301", "0301", "0301", "4601", "5001"]),
            registered_by=RegisteredBy(kind=RegisteredByKind.SELF) if self_registered else STAFF,
            self_registered=self_registered,
            now=now - datetime.timedelta(days=days_ago, hours=rng.randint(0, 8)),
        )
        if days_ago > 14 or (days_ago > 7 and rng.random() < 0.5):
            index_close(index=result.index, now=now)
