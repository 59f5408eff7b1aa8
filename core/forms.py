"""The base form class of every staff form."""

from django import forms


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
