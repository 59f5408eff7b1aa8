"""A synthetic population at national shape, for load tests and benchmarks.

`generate_population` fills the synthetic register (demo/population_register.py) and the
tracing history (demo/population_tracing.py) municipality by municipality, persons spread by
approximate population weight (demo/population_weights.py), with bulk writes
(demo/bulkload.py: COPY on PostgreSQL). Used by `manage.py generate_population` and by bench/.
"""

import datetime
import random
import time
from dataclasses import asdict, dataclass
from itertools import accumulate

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from demo.bulkload import (
    GENERATED_MODELS,
    BulkWriter,
    dependent_models,
    empty_tables,
    next_ids,
    tables_with_rows,
)
from demo.population_register import FnrSequence, RegisterGenerator
from demo.population_tracing import ACTIVE_SHARE, OSLO, OSLO_ACTIVE_PER_PERSON, TracingGenerator
from demo.population_weights import apportion, municipality_weights
from municipalities.selectors import municipality_list
from tracing.models import CloseContact, Index, Person

# Synthetic numbers run out long before this (about 410 per birth date), and nobody needs more.
MAX_PERSONS = 6_000_000


class PopulationError(Exception):
    """The population cannot be generated as asked; `str()` says why."""


@dataclass(frozen=True)
class PopulationSummary:
    persons: int
    seed: int
    seconds: float
    emptied: list[str]
    counts: dict[str, int]  # what was made, e.g. "indexes_active", "oslo_active"
    rows: dict[str, int]  # rows written per table key of demo.bulkload.TABLES


def generate_population(
    *, persons: int, seed: int, replace: bool = False, now: datetime.datetime | None = None
) -> PopulationSummary:
    """Make `persons` synthetic persons and their tracing history, in one transaction.

    Refuses in production mode. Refuses when the register or the tracing tables hold rows,
    unless `replace`, which empties them first (and every table that refers to them, e.g. an
    access log: listed in the summary).
    """
    if settings.PRODUCTION:
        raise PopulationError(
            "A synthetic population is for development; refused in production mode."
        )
    if not 1 <= persons <= MAX_PERSONS:
        raise PopulationError(f"--persons must be between 1 and {MAX_PERSONS}.")
    now = now or timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        tables = dependent_models(GENERATED_MODELS)
        filled = tables_with_rows(tables)
        if filled and not replace:
            raise PopulationError(
                "The database already has rows in " + ", ".join(filled) + ". Nothing was "
                "changed. Use --replace to empty the register and the tracing tables first."
            )
        emptied = [m._meta.db_table for m in tables] if replace else []
        if replace:
            empty_tables(tables)
        writer = BulkWriter()
        counts = _generate(writer=writer, persons=persons, seed=seed, now=now)
        writer.close()
    return PopulationSummary(
        persons=persons,
        seed=seed,
        seconds=time.perf_counter() - started,
        emptied=emptied,
        counts=counts,
        rows=dict(writer.written),
    )


def _generate(*, writer: BulkWriter, persons: int, seed: int, now: datetime.datetime) -> dict:
    rng = random.Random(seed)
    numbers = sorted(m.number for m in municipality_list())
    weights = municipality_weights(numbers)
    per_municipality = apportion(persons, weights)
    register = RegisterGenerator(
        rng=rng, fnrs=FnrSequence(seed), today=timezone.localdate(now), add_row=writer.add
    )
    ids = next_ids([Person, Index, CloseContact])
    tracing = TracingGenerator(
        rng=rng,
        now=now,
        add_row=writer.add,
        other_numbers=(numbers, list(accumulate(weights[n] for n in numbers))),
        first_ids={"person": ids[Person], "index": ids[Index], "contact": ids[CloseContact]},
    )
    oslo_active = round(OSLO_ACTIVE_PER_PERSON * persons)
    for number in numbers:
        if per_municipality[number] == 0:
            continue
        population = register.municipality(number, per_municipality[number])
        active = oslo_active if number == OSLO else round(ACTIVE_SHARE * len(population.persons))
        tracing.municipality(population, active)
    return {**asdict(register.counts), **tracing.counts}
