"""The test IdP's login form (O-5): one field, "Fødselsnummer"."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registers.identity import is_valid_fnr


class LoginForm(forms.Form):
    fnr = forms.CharField(
        label=_("Fødselsnummer"),
        max_length=20,
        error_messages={"required": _("Skriv inn fødselsnummeret (11 siffer).")},
    )

    def clean_fnr(self) -> str:
        value = "".join(self.cleaned_data["fnr"].split())
        # Synthetic numbers (month + 80) count only where settings.ALLOW_SYNTHETIC_FNR (C-1).
        if not is_valid_fnr(value):
            raise forms.ValidationError(
                _("Fødselsnummeret er ikke gyldig. Det må ha 11 siffer og riktige kontrollsiffer."),
                code="invalid",
            )
        return value
