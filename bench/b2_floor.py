"""B2, the floor: the rows of one self-registration written by plain SQL over psycopg.

One transaction per registration, with what tracing.services.index_register writes for a new
person (D-0): the PersonLock row, the person, the active index and the two I-4 notes; no
Django, nothing read first, the notes in one statement. N connections (8 and 32), each in its
own thread, write for a fixed time. This is what the database can take on this machine; the
end-to-end benchmark divided by it shows what everything else costs.

The numbers are synthetic ones for birth dates in 2030-2039: valid, and nobody in the generated
population has them. The rows are deleted again after the run, so the population stays as it
was generated for the other benchmarks.
"""

import datetime
import itertools
import random
import threading
import time
import uuid

from bench.common import SEED, ensure_population, percentiles, postgres_conninfo, print_table

NAME = "b2_floor"
TITLE = "B2 the floor: one registration's rows by plain SQL (psycopg), one transaction each"
CONCURRENCY = (8, 32)
SECONDS = 10
POPULATION = 1_000_000
TINY_CONCURRENCY = (1, 2)
TINY_PER_CONNECTION = 5
TINY_POPULATION = 300
# Births in 2030-2039 have individual numbers 500-999 and year digits 30-39; the population's
# persons born 1930-1939 have individual numbers below 500.
LANE_SQL = "substr(fnr, 5, 1) = '3' AND substr(fnr, 7, 1) >= '5'"

PERSON_COLUMNS = (
    "fnr", "municipality_id", "first_name", "middle_name", "last_name", "birth_date",
    "street_address", "postal_code", "post_town", "phone", "email", "possible_duplicate",
    "created_at", "updated_at",
)  # fmt: skip
INDEX_COLUMNS = (
    "person_id", "fnr", "reference", "municipality_id", "status", "opened_at", "follow_up_on",
    "workplace_or_school", "test_date_from", "test_date_to", "no_symptoms", "symptom_onset_from",
    "symptom_onset_to", "infection_place", "infection_place_description", "risk_group",
    "self_registered", "registered_by_kind", "registered_by_fnr", "submission_id",
    "duplicate_rule", "duplicate_candidates",
)  # fmt: skip
NOTE_COLUMNS = ("index_id", "title", "text", "created_at", "author_label")


def _insert(table: str, columns: tuple[str, ...], rows: int = 1, returning: bool = True) -> str:
    values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * rows)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values}"
    return sql + (" RETURNING id" if returning else "")


LOCK_SQL = "INSERT INTO tracing_personlock (fnr) VALUES (%s) ON CONFLICT DO NOTHING"
PERSON_SQL = _insert("tracing_person", PERSON_COLUMNS)
INDEX_SQL = _insert("tracing_index", INDEX_COLUMNS)
NOTES_SQL = _insert("tracing_note", NOTE_COLUMNS, rows=2, returning=False)


def lane_numbers(seed: int):
    """Unique synthetic numbers born 2030-2039, in a fixed order."""
    from demo.population_register import DateExhausted, FnrSequence

    sequence = FnrSequence(seed)
    day = datetime.date(2030, 1, 1)
    while day.year < 2040:
        try:
            yield sequence.take(day), day
        except DateExhausted:
            day += datetime.timedelta(days=1)


def _payloads(count: int, rng: random.Random) -> list[tuple]:
    """Everything one registration writes, converted for the database in advance."""
    from django.db import connection
    from django.utils import timezone

    from demo.population_names import FEMALE_NAMES, LAST_NAMES, MALE_NAMES
    from demo.population_weights import municipality_weights
    from municipalities.selectors import municipality_list
    from tracing import notes
    from tracing.models import Index, Note, Person
    from tracing.references import reference_new
    from tracing.services import Registration

    numbers = [m.number for m in municipality_list()]
    weights = municipality_weights(numbers)
    cum = list(itertools.accumulate(weights[n] for n in numbers))

    def prep(model, columns, values):
        return [
            model._meta.get_field(c).get_db_prep_value(v, connection, prepared=False)
            for c, v in zip(columns, values, strict=True)
        ]

    payloads = []
    for fnr, birth_date in itertools.islice(lane_numbers(SEED), count):
        now = timezone.now()
        today = timezone.localdate(now)
        municipality = rng.choices(numbers, cum_weights=cum)[0]
        first = rng.choice(MALE_NAMES + FEMALE_NAMES)
        last = rng.choice(LAST_NAMES)
        registration = Registration(
            fnr=fnr, first_name=first, last_name=last, phone="+4799999999",
            email="bench@example.com", workplace_or_school="Kontor", test_date_from=today,
            no_symptoms=True, infection_place="household", risk_group="no",
        )  # fmt: skip
        person = prep(Person, PERSON_COLUMNS, (
            fnr, municipality, first, "", last, birth_date, "Storgata 1", "0150", "Oslo",
            "+4799999999", "bench@example.com", False, now, now,
        ))  # fmt: skip
        index = prep(Index, INDEX_COLUMNS[1:], (
            fnr, reference_new(), municipality, "active", now, today, "Kontor", today, None, True, None, None,
            "household", "", "no", True, "self", fnr, uuid.UUID(int=rng.getrandbits(128)),
            "D-0", [],
        ))  # fmt: skip
        later = now + datetime.timedelta(microseconds=1)
        info = notes.info_text(registration=registration, moment=now, by_guardian=False)
        note_values = [
            (notes.DONE_TITLE, notes.done_text(now), now, "Selvregistrering"),
            (notes.INFO_TITLE, info, later, "Selvregistrering"),
        ]
        note_rows = [prep(Note, NOTE_COLUMNS[1:], values) for values in note_values]
        payloads.append((fnr, person, index, note_rows))
    return payloads


def write_registration(cursor, payload: tuple) -> None:
    """The statements of one registration (the caller holds the transaction)."""
    fnr, person, index, (note1, note2) = payload
    cursor.execute(LOCK_SQL, [fnr])
    cursor.execute(PERSON_SQL, person)
    person_id = cursor.fetchone()[0]
    cursor.execute(INDEX_SQL, [person_id, *index])
    index_id = cursor.fetchone()[0]
    cursor.execute(NOTES_SQL, [index_id, *note1, index_id, *note2])


def _run_postgres(payloads: list, concurrency: int, seconds: float | None) -> tuple:
    """Threads, one connection each, take the next payload until none is left or, given
    `seconds`, time is up (counted from when all connections are open)."""
    import psycopg

    conninfo = postgres_conninfo()
    counter = itertools.count()  # next() on it is atomic under the GIL
    latencies: list[float] = []
    errors: list[str] = []
    ready = threading.Barrier(concurrency + 1)
    deadline = [float("inf")]

    def worker():
        with psycopg.connect(**conninfo) as conn:
            cursor = conn.cursor()
            ready.wait(timeout=60)
            while time.perf_counter() < deadline[0]:
                i = next(counter)
                if i >= len(payloads):
                    break
                started = time.perf_counter()
                try:
                    with conn.transaction():
                        write_registration(cursor, payloads[i])
                except psycopg.Error as exc:
                    errors.append(type(exc).__name__)
                latencies.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    ready.wait(timeout=60)  # every connection is open
    started = time.perf_counter()
    if seconds is not None:
        deadline[0] = started + seconds  # the workers check it before each registration
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def _run_sqlite(payloads: list) -> tuple:
    """--tiny on SQLite: one connection, one writer; the figures mean nothing."""
    from django.db import DatabaseError, connection, transaction

    latencies, errors = [], []
    started_all = time.perf_counter()
    for payload in payloads:
        started = time.perf_counter()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                write_registration(cursor, payload)
        except DatabaseError as exc:
            errors.append(type(exc).__name__)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies, errors, time.perf_counter() - started_all


def delete_lane_rows() -> int:
    """Remove what this benchmark wrote (also after an interrupted run)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM tracing_note WHERE index_id IN "
            f"(SELECT id FROM tracing_index WHERE {LANE_SQL})"
        )
        deleted = 0
        for table in ("tracing_index", "tracing_person", "tracing_personlock"):
            cursor.execute(f"DELETE FROM {table} WHERE {LANE_SQL}")
            deleted += cursor.rowcount
    return deleted


def run(*, tiny: bool) -> dict:
    from django.db import connection

    postgres = connection.vendor == "postgresql"
    population = ensure_population(persons=TINY_POPULATION if tiny else POPULATION)
    levels = TINY_CONCURRENCY if tiny else CONCURRENCY
    delete_lane_rows()
    pool = sum(c * TINY_PER_CONNECTION for c in levels) if tiny else 6000 * SECONDS * len(levels)
    print(f"B2: preparing {pool:,} registrations ...", flush=True)
    payloads = _payloads(pool, random.Random(SEED))
    offset = 0
    results = []
    try:
        for concurrency in levels:
            if tiny:
                level = payloads[offset : offset + concurrency * TINY_PER_CONNECTION]
            else:
                level = payloads[offset:]
            print(f"B2: {concurrency} connections ...", flush=True)
            if postgres:
                limit = None if tiny else SECONDS
                latencies, errors, seconds = _run_postgres(level, concurrency, limit)
            else:
                latencies, errors, seconds = _run_sqlite(level)
            offset += len(latencies)
            done = len(latencies) - len(errors)
            results.append(
                {
                    "concurrency": concurrency if postgres else 1,
                    "registrations": done,
                    "errors": len(errors),
                    "error_kinds": sorted(set(errors)),
                    "seconds": round(seconds, 3),
                    "registrations_per_second": round(done / seconds, 1) if seconds else None,
                    "latency_ms": percentiles(latencies),
                    "ran_out_of_payloads": offset >= len(payloads),
                }
            )
    finally:
        delete_lane_rows()
    print_table(
        TITLE + (" [tiny]" if tiny else ""),
        ["connections", "registrations", "errors", "seconds", "reg/s", "p50 ms", "p95 ms",
         "p99 ms"],
        [
            [r["concurrency"], r["registrations"], r["errors"], r["seconds"],
             r["registrations_per_second"], r["latency_ms"]["p50"], r["latency_ms"]["p95"],
             r["latency_ms"]["p99"]]
            for r in results
        ],
    )  # fmt: skip
    return {
        "tiny": tiny,
        "mode": "psycopg, one thread per connection" if postgres else "sqlite, sequential",
        "seconds_per_level": None if tiny else SECONDS,
        "population": population,
        "levels": results,
    }
