"""The portal's forms: parsing only. The rules live in selfreg.rules (C-4) and in the
registration's one definition, tracing.registration (C-7)."""

import datetime
from collections.abc import Sequence

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from selfreg.household import TICKED, household_check, household_fields_add
from selfreg.selectors import Subject
from tracing.models import InfectionPlace, RiskGroup
from tracing.registration import ANSWER_FIELDS, Answers, Channel
from tracing.registration_forms import (
    RegistrationTextField,
    registration_check,
    registration_choice_field,
    registration_date_field,
)

INPUT = "ds-input"
# The fields C-6 prefills from Kontakt- og reservasjonsregisteret.
KRR_FIELDS = ("phone", "email")


class NormalChoices(BaseChoiceIterator):
    """Choices that are already (value, label) pairs. Django's normalize_choices leaves an
    iterator like this as it is, instead of walking every pair again each time the choices
    are assigned: for the 358 choices of "Velg kommune" about 0.9 ms a form (bench.renderers;
    docs/adr/0007-framework-internals.md)."""

    def __init__(self, pairs: Sequence[tuple[str, str]]):
        self.pairs = tuple(pairs)

    def __iter__(self):
        return iter(self.pairs)


class MunicipalityForm(forms.Form):
    """C-2: "Velg kommune"."""

    kommunenummer = forms.ChoiceField(
        label=_("Velg kommune"),
        help_text=_("Velg kommunen du bor i, eller kommunen du oppholder deg i nå."),
        error_messages={
            "required": _("Velg en kommune fra listen."),
            "invalid_choice": _("Velg en kommune fra listen."),
        },
        widget=forms.Select(attrs={"class": INPUT}),
    )

    def __init__(self, *args, municipalities: Sequence[tuple[str, str]], **kwargs):
        """`municipalities`: (number, name) pairs, as municipality_choices() gives them."""
        super().__init__(*args, **kwargs)
        self.fields["kommunenummer"].choices = NormalChoices(
            (("", gettext("Velg kommune …")), *municipalities)
        )


class WhoForm(forms.Form):
    """C-4: the citizen themself, or one of the children the register offers."""

    hvem = forms.ChoiceField(
        label=_("Hvem har testet positivt?"),
        widget=forms.RadioSelect(attrs={"class": INPUT}),
        error_messages={
            "required": _("Velg hvem som har testet positivt."),
            "invalid_choice": _("Velg en av personene i listen."),
        },
    )

    def __init__(
        self, *args, subjects: list[Subject], registered: Sequence[Subject] = (), **kwargs
    ):
        """`subjects`: those offered; `registered`: those C-5 says are already registered,
        shown by the page as such and never offered."""
        super().__init__(*args, **kwargs)
        self.fields["hvem"].choices = [
            (s.choice, gettext("Meg selv") if s.is_self else s.person.full_name)
            for s in subjects
            if s not in registered
        ]
        if len(subjects) > 1:
            self.fields["hvem"].help_text = gettext(
                "Barn under 16 år som har samme bostedsadresse som deg i Folkeregisteret, "
                "vises i listen."
            )
        else:
            self.fields["hvem"].help_text = gettext(
                "Du kan registrere for barn under 16 år som har samme bostedsadresse som deg i "
                "Folkeregisteret. Vi fant ingen slike barn."
            )


def _date_field(label, *, help_text="", summary_label=None) -> forms.DateField:
    return registration_date_field(
        label=label,
        help_text=help_text,
        summary_label=summary_label,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": INPUT}),
    )


class RegistrationForm(forms.Form):
    """C-7: what the citizen fills in; for themself also phone and e-mail (C-6).

    The fields only parse; what is required and every rule of C-7 is the registration's one
    definition (tracing.registration, channel CITIZEN), which `clean()` runs. The `required`
    attribute still tells assistive technology which fields must be filled (the form has
    `novalidate`, so the server's messages are the ones shown).
    """

    phone = RegistrationTextField(
        "phone",
        label=_("Telefonnummer"),
        help_text=_("Fra Kontakt- og reservasjonsregisteret. Du kan rette det."),
        widget=forms.TextInput(
            attrs={"class": INPUT, "autocomplete": "tel", "inputmode": "tel", "type": "tel"}
        ),
    )
    email = RegistrationTextField(
        "email",
        label=_("E-post"),
        help_text=_("Fra Kontakt- og reservasjonsregisteret. Du kan rette den."),
        widget=forms.EmailInput(attrs={"class": INPUT, "autocomplete": "email"}),
    )
    workplace_or_school = RegistrationTextField(
        "workplace_or_school",
        label=_("Arbeidssted eller skole"),
        help_text=_("Arbeidssted, skole eller barnehage. La feltet stå tomt hvis ingen passer."),
        widget=forms.TextInput(attrs={"class": INPUT}),
    )
    test_date_from = _date_field(_("Dato for test"))
    test_date_to = _date_field(_("til"), summary_label=_("Dato for test, til"))
    symptom_onset_from = _date_field(_("Dato for symptomstart"))
    symptom_onset_to = _date_field(_("til"), summary_label=_("Dato for symptomstart, til"))
    no_symptoms = forms.BooleanField(
        label=_("Ingen symptomer"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": INPUT}),
    )
    infection_place = registration_choice_field(
        field="infection_place",
        label=_("Hvor ble du smittet?"),
        widget=forms.Select(attrs={"class": INPUT, "required": True}),
    )
    infection_place_description = RegistrationTextField(
        "infection_place_description",
        label=_("Beskriv"),
        help_text=_("For eksempel hvor og når. Må fylles ut hvis du har valgt «Annet»."),
        widget=forms.Textarea(attrs={"class": INPUT, "rows": 3}),
    )
    risk_group = registration_choice_field(
        field="risk_group",
        label=_("Er du i en risikogruppe?"),
        widget=forms.RadioSelect(attrs={"class": INPUT, "required": True}),
    )

    def __init__(
        self,
        *args,
        is_child: bool,
        today: datetime.date,
        krr_filled: frozenset[str] = frozenset(),
        household_rows: int = 0,
        household_members: Sequence[tuple[str, str]] = (),
        **kwargs,
    ):
        """`krr_filled`: which of phone and e-mail KRR filled in when the form was first shown;
        only those say «Fra Kontakt- og reservasjonsregisteret». `household_rows` typed contacts
        and the (choice, name) of the people C-4 offers besides the one registered, for
        «Nærkontakter i husstanden» (selfreg.household)."""
        super().__init__(*args, **kwargs)
        self.today = today
        self.is_child = is_child
        if is_child:
            # C-6: for a child only the names are shown; no phone or e-mail is asked.
            del self.fields["phone"]
            del self.fields["email"]
            self.fields["risk_group"].label = _("Er barnet i en risikogruppe?")
            # The spec's label stays (O-7); the help text says the question is about the child.
            self.fields["infection_place"].help_text = _(
                "Svar for barnet: hvor tror du barnet ble smittet?"
            )
        for name in KRR_FIELDS:
            if name in self.fields and name not in krr_filled:
                self.fields[name].help_text = ""
        self.fields["infection_place"].choices = [("", gettext("Velg …"))] + [
            (value, str(label)) for value, label in InfectionPlace.choices
        ]
        self.fields["risk_group"].choices = [
            (value, str(label)) for value, label in RiskGroup.choices
        ]
        self.fields["test_date_from"].widget.attrs["required"] = True
        for name in ("test_date_from", "test_date_to", "symptom_onset_from", "symptom_onset_to"):
            self.fields[name].widget.attrs["max"] = today.isoformat()
        household_fields_add(self, rows=household_rows, members=household_members, today=today)

    def clean(self) -> dict:
        data = super().clean()
        values = registration_check(self, channel=Channel.CITIZEN, today=self.today)
        self.answers = Answers(**{name: values[name] for name in ANSWER_FIELDS})
        self.contact = {name: values.get(name, "") for name in ("phone", "email")}
        self.household_typed = household_check(self, today=self.today)
        self.household_ticked = list(data.get(TICKED) or ())
        return data
