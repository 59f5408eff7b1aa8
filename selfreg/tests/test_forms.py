"""selfreg.forms: the widget written for speed writes exactly what Django's would (issue 5, B1)."""

import pytest
from django import forms

from selfreg.forms import INPUT, OptionsSelect

CHOICES = [("", "Velg kommune …"), ("0301", "Oslo"), ("4601", 'Bergen & "x" <y>')]


def _form(widget):
    class Form(forms.Form):
        kommunenummer = forms.ChoiceField(choices=CHOICES, widget=widget, help_text="Hjelp")

    return Form


@pytest.mark.parametrize(
    "data", [None, {"kommunenummer": "4601"}, {"kommunenummer": "9999"}, {"kommunenummer": ""}]
)
def test_options_select_writes_byte_for_byte_what_djangos_select_writes(data):
    django_select = _form(forms.Select(attrs={"class": INPUT}))(data)
    ours = _form(OptionsSelect(attrs={"class": INPUT}))(data)
    assert str(ours["kommunenummer"]) == str(django_select["kommunenummer"])


def test_options_select_escapes_labels_values_and_attributes():
    html = str(
        _form(OptionsSelect(attrs={"class": INPUT, "data-x": '"><script>'}))()["kommunenummer"]
    )
    assert "<script>" not in html
    assert "Bergen &amp; &quot;x&quot; &lt;y&gt;" in html
