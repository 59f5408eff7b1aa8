"""The form renderer: Django's widget templates, written in Python.

Every `{{ field }}` renders its widget through Django's template engine: an input is two
templates (text.html includes input.html, which includes attrs.html), a radio group one per
option and three more per option. On the citizen's form that was a third of the CPU time of the
page. This renderer writes the same markup, byte for byte, for Django's own input,
textarea, select, radio and checkbox templates, and hands every other template (a project's
own, the form and field layouts) to Django's engine. core/tests/test_form_renderer.py
compares the two, widget by widget and on generated input. Why not Django's Jinja2 renderer,
and what each costs (bench.renderers): docs/adr/0007-framework-internals.md.

Each writer returns what its template file renders before the final strip() (template files
end with a newline, and an {% include %} keeps it), so writers compose like the includes do.
"""

import functools

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime

W = "django/forms/widgets/"
INPUT_TEMPLATES = frozenset(
    W + name + ".html"
    for name in (
        "text", "email", "date", "datetime", "time", "number", "password", "hidden", "url",
        "tel", "search", "color", "checkbox",
    )
)  # fmt: skip
OPTION_TEMPLATES = frozenset({W + "radio_option.html", W + "checkbox_option.html"})
MULTIPLE_TEMPLATES = frozenset({W + "radio.html", W + "checkbox_select.html"})


def _text(value) -> str:
    """`{{ value }}`: local time, localized, escaped unless marked safe."""
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _string(value) -> str:
    """`{{ value|stringformat:'s' }}`: str(), escaped unless the value was marked safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """attrs.html (the one widget template without a final newline)."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_string(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    value_attr = f' value="{_string(value)}"' if value is not None else ""
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{value_attr}{_attrs(widget['attrs'])}>\n"
    )


def _textarea(widget: dict) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'
    )


@functools.lru_cache(maxsize=4096)
def _plain_option(value: str, label: str, selected: bool) -> str:
    # "Velg kommune" writes the same 357 options on every view: remembered.
    return f'<option value="{_string(value)}"{" selected" if selected else ""}>{_text(label)}</option>\n'


def _select_option(widget: dict) -> str:
    value, label, attrs = widget["value"], widget["label"], widget["attrs"]
    if type(value) is str and type(label) is str and attrs.keys() <= {"selected"}:
        return _plain_option(value, label, attrs.get("selected", False))
    return f'<option value="{_string(value)}"{_attrs(attrs)}>{_text(label)}</option>\n'


def _input_option(widget: dict) -> str:
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    input_id = widget["attrs"].get("id")
    for_attr = f' for="{_text(input_id)}"' if input_id else ""
    return f"<label{for_attr}>{_input(widget)} {_text(widget['label'])}</label>\n"


class WidgetRenderer(DjangoTemplates):
    """FORM_RENDERER: Django's DjangoTemplates, with its widget templates written in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is None or not isinstance(widget, dict) or len(context) != 1:
            return super().render(template_name, context, request=request)
        text = self._write(template_name, widget)
        if text is None:
            return super().render(template_name, context, request=request)
        return text.strip()

    def _write(self, template_name: str, widget: dict) -> str | None:
        """What the template file renders, or None for a template this class does not write."""
        if template_name in INPUT_TEMPLATES:
            return _input(widget) + "\n"
        if template_name == W + "input.html":
            return _input(widget)
        if template_name == W + "textarea.html":
            return _textarea(widget)
        if template_name == W + "select.html":
            return self._select(widget)
        if template_name == W + "select_option.html":
            return _select_option(widget)
        if template_name in OPTION_TEMPLATES:
            return _input_option(widget) + "\n"
        if template_name in MULTIPLE_TEMPLATES:
            return self._multiple(widget) + "\n"
        return None

    def _include(self, option: dict) -> str:
        """`{% include option.template_name with widget=option %}`."""
        text = self._write(option["template_name"], option)
        if text is None:
            text = self.get_template(option["template_name"]).render({"widget": option})
        return text

    def _select(self, widget: dict) -> str:
        parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            parts.extend("\n  " + self._include(option) for option in options)
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>\n")
        return "".join(parts)

    def _multiple(self, widget: dict) -> str:
        attrs = widget["attrs"]
        id_attr = f' id="{_text(attrs["id"])}"' if attrs.get("id") else ""
        class_attr = f' class="{_text(attrs["class"])}"' if attrs.get("class") else ""
        parts = [f"<div{id_attr}{class_attr}>"]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f"\n  <div><label>{_text(group)}</label>")
            parts.extend(f"<div>\n    {self._include(option)}</div>" for option in options)
            if group:
                parts.append("\n  </div>")
        parts.append("\n</div>\n")
        return "".join(parts)
