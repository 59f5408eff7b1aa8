"""S8: what the form fuzzing tests share — nasty input strategies and the two checks.

Every form is posted Hypothesis-generated input: any unicode (control characters and NUL
included), 10 000-character strings, impossible and far-away dates, injection-looking text.
The checks: never a 5xx, and when the form is refused (anything but the success status), no
row of the data tables has been added or removed. Logs (access log, login failures, sessions)
are not data tables: a refused action is still logged, on purpose.
"""

import datetime
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Modest, so the whole suite stays fast; S8_MAX_EXAMPLES=500 digs deeper.
FUZZ = settings(
    max_examples=int(os.environ.get("S8_MAX_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one client and database per test, on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t",
    "\u202eevil",  # right-to-left override
    "\ufeff",
    "💩",
    "Ø" * 3,
    "' OR '1'='1",
    '"; DROP TABLE tracing_index; --',
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "%s%s%s",
    "../../etc/passwd",
    "%00",
    "NaN",
    "-1",
    "1e309",
    "99999999999999999999999",
]

long_text = st.builds(
    lambda char, length: char * length,
    st.sampled_from(["x", "ø", "\x00", "💩", "1", " "]),
    st.integers(min_value=9_990, max_value=10_010),
)

nasty_text = st.one_of(
    st.text(max_size=40),  # any unicode, control characters included
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),  # control characters
    st.sampled_from(SPECIAL),
    long_text,
)

IMPOSSIBLE_DATES = [
    "2024-02-30",
    "2023-02-29",
    "31.02.2024",
    "2024-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2024-01-01",
    "2024-1-1-1",
    "32.01.2024",
    "24-01-01",
    "2024/01/01",
]

nasty_date = st.one_of(
    st.sampled_from(IMPOSSIBLE_DATES),
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(
        datetime.date.isoformat
    ),
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
    nasty_text,
)

nasty_fnr = st.one_of(
    st.from_regex(r"\A[0-9]{11}\Z"),
    st.from_regex(r"\A[0-9 ]{0,15}\Z"),
    nasty_text,
)


def form_data(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy[dict[str, str]]:
    """Some of the fields (each may be missing), each with nasty input."""
    return st.fixed_dictionaries({}, optional=fields)


def data_counts() -> dict[str, int]:
    """Row counts of the tables that hold data (not logs)."""
    from django.apps import apps

    labels = [
        "tracing.Person",
        "tracing.Index",
        "tracing.CloseContact",
        "tracing.Note",
        "municipalities.MunicipalityStatusChange",
        "accounts.StaffRole",
        "accounts.ApiToken",
        "tracing.WorklistPreference",
        "registers.SyntheticPerson",
        "testidp.AuthorizationCode",
    ]
    return {label: apps.get_model(label).objects.count() for label in labels}


def check(response, before: dict[str, int], *, success: tuple[int, ...] = (302,)) -> None:
    """No 5xx; a refused form (any status but `success`) changed no data table."""
    assert response.status_code < 500, response.status_code
    if response.status_code not in success:
        assert data_counts() == before, f"refused with {response.status_code}, yet rows changed"
