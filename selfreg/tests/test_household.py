"""selfreg.household on its own: what «Legg til nærkontakt» and «Fjern» do to the posted rows."""

from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from selfreg.household import ADD, FIELDS, REMOVE, ROWS, field_name, household_change
from tracing.registration import HOUSEHOLD_MAX

rows_typed = st.lists(
    st.fixed_dictionaries({name: st.text(max_size=5) for name in FIELDS}),
    max_size=HOUSEHOLD_MAX,
)


def posted(rows: list[dict], **more) -> QueryDict:
    data = QueryDict(mutable=True)
    data[ROWS] = str(len(rows))
    for number, row in enumerate(rows):
        for name, value in row.items():
            data[field_name(number, name)] = value
    for key, value in more.items():
        data[key] = value
    return data


def shown(data: QueryDict, count: int) -> list[dict]:
    return [{name: data.get(field_name(n, name), "") for name in FIELDS} for n in range(count)]


@given(rows=rows_typed, data=st.data())
def test_remove_takes_that_row_and_keeps_the_others_in_order(rows, data):
    if not rows:
        return
    removed = data.draw(st.integers(1, len(rows)))
    change = household_change(posted(rows, **{REMOVE: str(removed)}))
    assert change.rows == len(rows) - 1
    assert shown(change.data, change.rows) == rows[: removed - 1] + rows[removed:]
    assert field_name(len(rows) - 1, FIELDS[0]) not in change.data
    assert not change.added


@given(rows=rows_typed)
def test_add_keeps_every_row_and_gives_one_more_up_to_the_limit(rows):
    change = household_change(posted(rows, **{ADD: "1"}))
    assert shown(change.data, len(rows)) == rows
    assert change.rows == min(len(rows) + 1, HOUSEHOLD_MAX)
    assert change.added == (len(rows) < HOUSEHOLD_MAX)


def test_neither_button_is_no_change():
    assert household_change(posted([dict.fromkeys(FIELDS, "x")])) is None
