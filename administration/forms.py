"""Forms of the administration pages. They parse input; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DsForm


class SelfregSwitchForm(forms.Form):
    """A-1: the buttons "Ta i bruk selvregistrering" (on) and "Slå av selvregistrering" (off)."""

    selvregistrering = forms.ChoiceField(choices=[("on", "on"), ("off", "off")])
    # "ja" from the confirmation page that «Slå av selvregistrering» leads to.
    bekreft = forms.CharField(required=False)

    @property
    def confirmed(self) -> bool:
        return self.cleaned_data["bekreft"] == "ja"

    @property
    def enable(self) -> bool:
        return self.cleaned_data["selvregistrering"] == "on"


class ApiTokenForm(DsForm):
    label = forms.CharField(
        label=_("Navn på integrasjonen"),
        max_length=100,
        help_text=_("For eksempel navnet på fagsystemet som skal bruke nøkkelen."),
    )
    label.widget.attrs.update({"autocomplete": "off"})
