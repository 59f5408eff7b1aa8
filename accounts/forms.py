from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DsForm
from registers.identity import is_valid_fnr


class LoginForm(DsForm):
    username = forms.CharField(label=_("Brukernavn"), max_length=150, strip=True)
    password = forms.CharField(label=_("Passord"), strip=False, widget=forms.PasswordInput)

    username.widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
    password.widget.attrs.update({"autocomplete": "current-password"})


class FnrForm(DsForm):
    """A fødselsnummer sent in a POST body, never in a URL."""

    fnr = forms.CharField(label=_("Fødselsnummer"), max_length=11, min_length=11)
    fnr.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean_fnr(self) -> str:
        value = self.cleaned_data["fnr"].strip()
        if not is_valid_fnr(value):
            raise forms.ValidationError(_("Ugyldig fødselsnummer. Det skal være 11 siffer."))
        return value
