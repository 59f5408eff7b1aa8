"""S8: Schemathesis against the API's own OpenAPI document (/api/v1/openapi.json), in process
through the Django WSGI application, with a valid API token: for every operation, generated
valid and invalid requests never get a 5xx, and a refused request (4xx) writes no data.

Objects of the token's municipality and of another exist, so ids sometimes hit something.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from accounts.services import api_token_create
from tests.factories import CloseContactFactory, IndexFactory, NoteFactory, StaffFactory
from tests.fuzz import data_counts

MAX_EXAMPLES = int(__import__("os").environ.get("S8_MAX_EXAMPLES", "30"))


def _load_schema():
    # Loaded at collection, through the app itself: the OpenAPI view touches no database.
    # (schemathesis.pytest.from_fixture needs pytest internals that pytest 9 no longer has.)
    from smittesporing.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = _load_schema()


@pytest.fixture
def _requests_keep_the_test_connection():
    """As Django's test client does: a request must not close the test's database connection
    (it holds the test's transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db, settings, _requests_keep_the_test_connection):
    """A token for Oslo, and some data in Oslo and Bergen for the ids to land on."""
    settings.RATE_LIMIT_ENABLED = False
    for number in ("0301", "4601"):
        index = IndexFactory(person__municipality_id=number)
        CloseContactFactory(index=index, person__municipality_id=number)
        NoteFactory(index=index)
        IndexFactory(person__municipality_id=number, closed=True)
    created = api_token_create(
        municipality_number="0301",
        label="Schemathesis",
        created_by=StaffFactory(admin_in=["0301"]),
    )
    return {"Authorization": f"Bearer {created.secret}"}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_s8_schemathesis_no_5xx_and_refusals_write_nothing(case, bearer):
    before = data_counts()
    response = case.call(headers=bearer)
    case.validate_response(response, checks=[not_a_server_error])
    if 400 <= response.status_code < 500:
        assert data_counts() == before, f"{response.status_code} yet rows changed"
