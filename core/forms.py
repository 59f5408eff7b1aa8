"""The base form class of every staff form, and re-showing a form as typed."""

from typing import TypeVar

from django import forms

F = TypeVar("F", bound=forms.BaseForm)


class DsForm(forms.Form):
    """Gives every widget Designsystemet's input class (text, select, checkbox and radio alike).

    Django adds aria-invalid and aria-describedby="<id>_error" itself; the templates give the
    error message that id.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("class", "ds-input")


def form_as_typed(form_class: type[F], data, **kwargs) -> F:
    """An unbound `form_class` whose initial values are what was posted in `data`: shown again
    exactly as typed, with no validation and no error messages (the language switch)."""
    probe = form_class(data, **kwargs)
    initial = {
        name: field.widget.value_from_datadict(data, {}, probe.add_prefix(name))
        for name, field in probe.fields.items()
    }
    return form_class(initial=initial, **kwargs)
