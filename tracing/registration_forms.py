"""Django form fields and checks for a registration, from its one definition
(tracing.registration). The citizen's form (selfreg.forms) and the back office's «Registrer
indeks» (tracing.forms) declare their fields with these, each with its own labels and widgets,
and run `registration_check` in `clean()`: the messages a person sees are the definition's.

The fields only parse (a date that cannot be read, a choice that is not offered); length,
characters and every rule of C-7 are the definition's, so that the same input gets the same
message whichever way it came in.
"""

import datetime

from django import forms
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils.functional import lazy

from tracing import registration_messages as messages
from tracing.registration import (
    CHANNEL_INPUT,
    TEXT_FIELDS,
    Channel,
    registration_clean,
    registration_errors,
)

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
_lazy = lazy(lambda f, *args: f(*args), str)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class RegistrationTextField(forms.CharField):
    """A text of the registration: the browser is told its length (maxlength), the definition
    judges it (length, control and invisible characters, NUL)."""

    def __init__(self, name: str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(max_length=TEXT_FIELDS[name].max_length, **kwargs)
        own = (MaxLengthValidator, ProhibitNullCharactersValidator)
        self.validators = [v for v in self.validators if not isinstance(v, own)]


def registration_date_field(
    *, label, help_text="", widget=None, summary_label=None
) -> forms.DateField:
    """`summary_label`: the field's name in the error summary where the label alone says too
    little (the «til» of a period)."""
    field = forms.DateField(
        label=label,
        help_text=help_text,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": _lazy(messages.invalid_date)},
        widget=widget or DateInput,
    )
    field.summary_label = summary_label
    return field


def registration_choice_field(*, label, choices=(), widget=None, field: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=choices,
        error_messages={"invalid_choice": _lazy(messages.invalid_choice, field)},
        **({"widget": widget} if widget is not None else {}),
    )


def registration_check(
    form: forms.Form, *, channel: Channel, today: datetime.date
) -> dict[str, object]:
    """From `form.clean()`: the definition's fields that the form has, as stored
    (registration_clean), with the definition's errors added to the form, each with its
    message id as the error's code. A field that already has an error (a date that could not
    be read) gets no second one."""
    data = form.cleaned_data
    names = [name for name in CHANNEL_INPUT[channel] if name in form.fields]
    values = registration_clean({name: data.get(name) for name in names})
    already = frozenset(form._errors or ())
    for error in registration_errors(values, today=today, channel=channel, already=already):
        form.add_error(error.field, forms.ValidationError(error.message, code=error.code))
    return values
