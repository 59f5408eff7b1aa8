"""D-3: simultaneous registrations for one person never make two indexes (PostgreSQL)."""

import threading
import uuid

import pytest
from django.db import connection

from tests.factories import new_fnr
from tracing.models import Index, Note, Person, PersonLock, RegisteredByKind
from tracing.services import AlreadyRegistered, RegisteredBy, Registration, index_register

THREADS = 20


def _race(fnr: str, *, same_submission: bool) -> list:
    barrier = threading.Barrier(THREADS)
    submission = uuid.uuid4()
    outcomes: list = []
    lock = threading.Lock()

    def submit():
        try:
            barrier.wait(timeout=10)
            result = index_register(
                registration=Registration(fnr=fnr, first_name="Kari", last_name="Syntetisk"),
                municipality_number="0301",
                registered_by=RegisteredBy(kind=RegisteredByKind.SELF),
                self_registered=True,
                submission_id=submission if same_submission else uuid.uuid4(),
            )
            outcome = "repeat" if result.repeated_submission else "created"
        except AlreadyRegistered as exc:
            outcome = f"refused {exc.rule}"
        except Exception as exc:
            outcome = f"error {type(exc).__name__}: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=submit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_d3_twenty_simultaneous_submissions_make_one_index(postgres_only):
    fnr = new_fnr()
    outcomes = _race(fnr, same_submission=False)
    assert len(outcomes) == THREADS
    assert outcomes.count("created") == 1, outcomes
    assert all(o == "created" or o.startswith("refused") for o in outcomes), outcomes
    assert Index.objects.filter(fnr=fnr).count() == 1
    assert Person.objects.filter(fnr=fnr).count() == 1
    assert Note.objects.filter(index__fnr=fnr).count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("returning_person", [False, True], ids=["first-time", "returning"])
def test_c8_twenty_simultaneous_copies_of_one_submission_register_once(
    postgres_only, returning_person
):
    fnr = new_fnr()
    if returning_person:
        # The lock row exists from an earlier registration: only SELECT ... FOR UPDATE orders them.
        PersonLock.objects.create(fnr=fnr)
    outcomes = _race(fnr, same_submission=True)
    assert outcomes.count("created") == 1, outcomes
    assert outcomes.count("repeat") == THREADS - 1, outcomes
    assert Index.objects.filter(fnr=fnr).count() == 1
