"""Forms of the administration pages. They parse input; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DsForm
from municipalities.contact import WEBSITE_MAX_LENGTH, phone_normalize, website_normalize


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


class MunicipalityContactForm(DsForm):
    """«Nettside» and «Telefon»: where the portal sends a citizen it cannot help (C-3, C-5).
    Read as municipalities.contact reads them, so the message sits beside the field; the
    service checks them again."""

    website = forms.CharField(
        label=_("Nettside"),
        required=False,
        max_length=WEBSITE_MAX_LENGTH + len("https://"),
        help_text=_(
            "Adressen til siden innbyggerne skal gå til for kontaktinformasjon og råd om smitte, "
            "for eksempel https://www.kommune.no/smittevern. Må begynne med https://."
        ),
        widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )
    phone = forms.CharField(
        label=_("Telefon"),
        required=False,
        max_length=30,
        help_text=_("Et norsk telefonnummer med 8 sifre, for eksempel sentralbordet."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )

    def clean_website(self) -> str:
        return website_normalize(self.cleaned_data["website"])

    def clean_phone(self) -> str:
        return phone_normalize(self.cleaned_data["phone"])
