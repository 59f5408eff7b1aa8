"""The error summary's name for a field (templates/_error_summary.html): each message there
says which field it is about, since two fields can have the same message ("Datoen kan ikke
være etter i dag" under both dates)."""

from django import template

register = template.Library()


@register.filter
def field_name(bound_field) -> str:
    """The field's `summary_label` if its form gave one (a label that says little alone, such
    as «til»), else its label, without a trailing question mark or colon."""
    name = getattr(bound_field.field, "summary_label", None) or bound_field.label or ""
    return str(name).rstrip(" ?:")
