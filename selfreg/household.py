"""«Nærkontakter i husstanden», the form's last section: the people the citizen lives with.

Each typed contact is a row of fields named `nk<row>_<field>` (the registration's fields for a
household contact, tracing.registration Channel.HOUSEHOLD); `nk_antall` says how many rows the
page had. The people C-4 offers besides the one registered are ticked instead (`nk_husstand`,
their opaque choice tokens, never a fødselsnummer). «Legg til nærkontakt» and «Fjern» post the
whole form, which comes back as typed with a row more or less: no script is needed, and
nothing typed is lost.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracing import registration_messages as messages
from tracing.registration import (
    CHANNEL_INPUT,
    HOUSEHOLD_MAX,
    Channel,
    PersonDetails,
    registration_clean,
    registration_errors,
)
from tracing.registration_forms import RegistrationTextField, registration_date_field
from tracing.registration_messages import Code

INPUT = "ds-input"
FIELDS = CHANNEL_INPUT[Channel.HOUSEHOLD]
ROWS = "nk_antall"
TICKED = "nk_husstand"
ADD = "nk_legg_til"
REMOVE = "nk_fjern"  # its value is the row's number, from 1


def field_name(row: int, name: str) -> str:
    return f"nk{row}_{name}"


def is_household_change(data: Mapping) -> bool:
    """Whether «Legg til nærkontakt» or «Fjern» sent the form (not «Send inn»)."""
    return ADD in data or REMOVE in data


def rows_posted(data: Mapping) -> int:
    """How many rows the posted page had (none until «Legg til nærkontakt» is pressed)."""
    try:
        rows = int(data.get(ROWS, 0))
    except (TypeError, ValueError):
        rows = 0
    return max(0, min(rows, HOUSEHOLD_MAX))


@dataclass(frozen=True)
class Change:
    """What «Legg til nærkontakt» or «Fjern» asks for: the data as it is to be shown again,
    its number of rows, and whether a row was added (the focus goes to it; else to the
    section's heading)."""

    data: QueryDict
    rows: int
    added: bool = False


def household_change(data: QueryDict) -> Change | None:
    """The posted form with a row added or one removed, or None if neither button was
    pressed (the form was sent, or the language switched)."""
    if not is_household_change(data):
        return None
    rows = rows_posted(data)
    if ADD in data:
        if rows >= HOUSEHOLD_MAX:
            return Change(data=data, rows=rows)
        return Change(data=data, rows=rows + 1, added=True)
    try:
        removed = int(data[REMOVE]) - 1
    except ValueError:
        return Change(data=data, rows=rows)
    if not 0 <= removed < rows:
        return Change(data=data, rows=rows)
    changed = data.copy()
    # The rows after the one removed move up one place.
    for row in range(removed, rows - 1):
        for name in FIELDS:
            changed[field_name(row, name)] = data.get(field_name(row + 1, name), "")
    for name in FIELDS:
        changed.pop(field_name(rows - 1, name), None)
    return Change(data=changed, rows=rows - 1)


def household_focus(form: forms.Form, change: Change) -> bool:
    """Where the page comes back after a change, without scripts too (`autofocus`): in the new
    row's first field; True if it is the section's heading instead (the template's part)."""
    if change.added:
        form.fields[field_name(change.rows - 1, FIELDS[0])].widget.attrs["autofocus"] = True
        return False
    return True


def _date_widget() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": INPUT})


def _row_fields(today: datetime.date) -> dict[str, forms.Field]:
    date = registration_date_field(label=_("Fødselsdato"), widget=_date_widget())
    date.widget.attrs["max"] = today.isoformat()
    return {
        "first_name": RegistrationTextField(
            "first_name",
            label=_("Fornavn"),
            widget=forms.TextInput(attrs={"class": INPUT, "autocomplete": "off"}),
        ),
        "last_name": RegistrationTextField(
            "last_name",
            label=_("Etternavn"),
            widget=forms.TextInput(attrs={"class": INPUT, "autocomplete": "off"}),
        ),
        "phone": RegistrationTextField(
            "phone",
            label=_("Telefonnummer"),
            widget=forms.TextInput(
                attrs={"class": INPUT, "autocomplete": "off", "inputmode": "tel", "type": "tel"}
            ),
        ),
        "birth_date": date,
    }


def household_fields_add(
    form: forms.Form,
    *,
    rows: int,
    members: Sequence[tuple[str, str]],
    today: datetime.date,
) -> None:
    """Give `form` the section's fields: `rows` typed rows and, if C-4 offers anyone besides
    the person registered, the (choice token, name) pairs of `members` to tick."""
    form.household_rows = max(0, min(rows, HOUSEHOLD_MAX))
    for row in range(form.household_rows):
        for name, field in _row_fields(today).items():
            form.fields[field_name(row, name)] = field
    if members:
        form.fields[TICKED] = forms.MultipleChoiceField(
            label=_("Bor sammen med"),
            help_text=_("Fra Folkeregisteret. Kryss av for dem som bor sammen med deg nå."),
            required=False,
            choices=list(members),
            widget=forms.CheckboxSelectMultiple(attrs={"class": INPUT}),
            error_messages={"invalid_choice": _("Velg blant personene i listen.")},
        )


def household_rows_bound(form: forms.Form) -> list[list[forms.BoundField]]:
    """The rows' bound fields, for the template."""
    return [[form[field_name(row, name)] for name in FIELDS] for row in range(form.household_rows)]


def _errors_name_row(form: forms.Form, row: int) -> None:
    """The error summary lists every row's errors together: each says which row it is
    («Nærkontakt 2: Fyll inn etternavn.»), next to the field as well."""
    for name in FIELDS:
        key = field_name(row, name)
        if key in (form._errors or {}):
            form._errors[key] = form.error_class(
                [
                    forms.ValidationError(
                        gettext("Nærkontakt %(number)s: %(message)s")
                        % {"number": row + 1, "message": " ".join(error.messages)},
                        code=error.code,
                    )
                    for error in form._errors[key].as_data()
                ]
            )


def household_check(form: forms.Form, *, today: datetime.date) -> list[PersonDetails]:
    """From `form.clean()`: the typed contacts (a row left empty is no contact), each checked
    by the registration's rules for a household contact, with the errors added next to their
    fields; and the limit of HOUSEHOLD_MAX, typed and ticked together."""
    data = form.cleaned_data
    typed = []
    for row in range(form.household_rows):
        names = {name: field_name(row, name) for name in FIELDS}
        values = registration_clean({name: data.get(key) for name, key in names.items()})
        already = {name for name, key in names.items() if key in (form._errors or ())}
        if all(values[name] in ("", None) for name in FIELDS) and not already:
            continue
        errors = registration_errors(
            values, today=today, channel=Channel.HOUSEHOLD, already=frozenset(already)
        )
        for error in errors:
            form.add_error(
                names[error.field], forms.ValidationError(error.message, code=error.code)
            )
        typed.append(PersonDetails(fnr="", **values))
        _errors_name_row(form, row)
    ticked = list(dict.fromkeys(data.get(TICKED) or ()))
    data[TICKED] = ticked
    if len(typed) + len(ticked) > HOUSEHOLD_MAX:
        error = forms.ValidationError(
            messages.household_too_many(HOUSEHOLD_MAX), code=Code.TOO_MANY
        )
        form.add_error(TICKED if TICKED in form.fields else None, error)
    return typed
