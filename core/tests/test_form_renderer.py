"""core.form_renderer writes byte for byte what Django's widget templates write
(the templates were a third of the citizen form's CPU time: ADR 0007)."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from core.form_renderer import WidgetRenderer

TRICKY = "Bergen & \"x\" <y> 'z'"
CHOICES = [("", "Velg …"), ("0301", "Oslo"), ("4601", TRICKY), (5, 5)]
GROUPED = [("a", "A"), ("Gruppe <1>", [("b", "B"), ("c", mark_safe("<b>C</b>"))])]


def both(widget: forms.Widget, name: str, value, attrs=None) -> tuple:
    """The markup from each renderer; a value a widget cannot take fails alike in both."""

    def render(renderer):
        try:
            return widget.render(name, value, attrs=attrs, renderer=renderer)
        except (TypeError, ValueError, AttributeError) as exc:
            return type(exc)

    return render(WidgetRenderer()), render(DjangoTemplates())


WIDGETS = [
    forms.TextInput(),
    forms.TextInput(attrs={"class": "ds-input", "required": True, "disabled": False}),
    forms.EmailInput(attrs={"autocomplete": "email", "data-x": TRICKY}),
    forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "max": "2026-11-25"}),
    forms.NumberInput(),
    forms.PasswordInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.URLInput(),
    forms.SearchInput(),
    forms.TimeInput(),
    forms.CheckboxInput(attrs={"class": "ds-input"}),
    forms.Textarea(attrs={"rows": 3}),
    forms.Select(choices=CHOICES, attrs={"class": "ds-input"}),
    forms.Select(choices=GROUPED),
    forms.SelectMultiple(choices=CHOICES),
    forms.NullBooleanSelect(),
    forms.RadioSelect(choices=CHOICES, attrs={"class": "ds-input", "required": True}),
    forms.RadioSelect(choices=GROUPED),
    forms.CheckboxSelectMultiple(choices=GROUPED, attrs={"class": "x"}),
    forms.SelectDateWidget(years=[2025, 2026]),
    forms.SplitDateTimeWidget(),
    forms.MultipleHiddenInput(),
    forms.ClearableFileInput(),
]
VALUES = [
    None, "", "0301", "4601", 5, 0, True, False, TRICKY, mark_safe("<i>trygg</i>"),
    ["0301", "4601"], ["b"], datetime.date(2026, 11, 24), "a\nb",
]  # fmt: skip


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("attrs", [None, {"id": "id_felt"}, {"id": "f", "aria-describedby": "h"}])
def test_every_widget_writes_what_djangos_templates_write(widget, value, attrs):
    ours, djangos = both(widget, "felt", value, attrs)
    assert ours == djangos


@settings(max_examples=200, deadline=None)
@given(
    value=st.none() | st.text(max_size=20) | st.integers(),
    label=st.text(max_size=20),
    attrs=st.dictionaries(
        st.sampled_from(["class", "id", "data-x", "required", "max", "placeholder"]),
        st.booleans() | st.text(max_size=10) | st.integers(),
        max_size=4,
    ),
)
def test_generated_values_labels_and_attributes_are_written_alike(value, label, attrs):
    choices = [("x", label), (str(value), label + "!")]
    for widget in (
        forms.TextInput(attrs=attrs),
        forms.Textarea(attrs=attrs),
        forms.CheckboxInput(attrs=attrs),
        forms.Select(choices=choices, attrs=attrs),
        forms.RadioSelect(choices=choices, attrs=attrs),
    ):
        ours, djangos = both(widget, "felt", value)
        assert ours == djangos, type(widget).__name__


def test_escapes_labels_values_and_attributes():
    widget = forms.Select(choices=CHOICES, attrs={"data-x": '"><script>'})
    ours, _ = both(widget, "felt", "4601")
    assert "<script>" not in ours
    assert "Bergen &amp; &quot;x&quot; &lt;y&gt; &#x27;z&#x27;" in ours


def test_the_project_renders_forms_with_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), WidgetRenderer)
