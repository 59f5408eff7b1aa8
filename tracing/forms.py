"""Forms of the back office. They parse and check input; the rules live in tracing.services."""

import datetime
import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DsForm
from core.localtime import local_today
from registers.identity import is_valid_fnr
from tracing import registration_messages as messages
from tracing.access import MAX_ID
from tracing.models import CloseContact, Index, InfectionPlace, RiskGroup
from tracing.registration import ANSWER_FIELDS, EARLIEST_DATE, Answers, Channel
from tracing.registration_forms import (
    DATE_INPUT_FORMATS,
    DateInput,
    RegistrationTextField,
    registration_check,
    registration_choice_field,
    registration_date_field,
)
from tracing.registration_messages import Code
from tracing.worklists import PAGE_SIZES

LATEST_DATE = datetime.date(2999, 12, 31)


def _plausible(value: datetime.date) -> None:
    """A typo like year 9999 or 0001 is an error, not a filter that overflows the database's
    time range (found by S8)."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise forms.ValidationError(_("Datoen må være mellom 1900 og 2999."))


def _date_field(label: str, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput,
        input_formats=DATE_INPUT_FORMATS,
        validators=[_plausible],
    )


def _not_in_future(value: datetime.date | None) -> None:
    if value and value > local_today():
        raise forms.ValidationError(_("Datoen kan ikke være fram i tid."))


class FnrField(forms.CharField):
    """A fødselsnummer or d-nummer, checksum-valid; only ever sent in a POST body."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Fødselsnummer"))
        super().__init__(max_length=11, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if value and not is_valid_fnr(value):
            raise forms.ValidationError(messages.invalid_fnr(), code=Code.INVALID_FNR)
        return value


def _date_range_check(form: forms.Form, cleaned: dict) -> None:
    start, end = cleaned.get("fra"), cleaned.get("til")
    if start and end and end < start:
        form.add_error("til", _("Til-datoen kan ikke være før fra-datoen."))


_NAME_SEARCH = re.compile(r"^[^\d]*$")


class WorklistFilterForm(DsForm):
    """B-2 filters, sent by GET (no fødselsnummer: the name search refuses digits)."""

    kommune = forms.ChoiceField(label=_("Kommune"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alle")), *Index.Status.choices]
    )
    selvregistrert = forms.ChoiceField(
        label=_("Selvregistrert"),
        required=False,
        choices=[("", _("Alle")), ("ja", _("Ja")), ("nei", _("Nei"))],
    )
    fra = _date_field(_("Opprettet fra"))
    til = _date_field(_("Opprettet til"))
    navn = forms.CharField(label=_("Navn"), required=False, max_length=100)
    duplikat = forms.ChoiceField(
        label=_("Mulig duplikat"),
        required=False,
        choices=[("", _("Alle")), ("ja", _("Bare mulige duplikater"))],
    )

    def __init__(self, *args, municipalities, show_status: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kommune"].choices = [("", _("Alle mine kommuner"))] + [
            (m.number, m.name) for m in municipalities
        ]
        self.show_municipality = len(municipalities) > 1
        self.show_status = show_status
        if not self.show_municipality:
            del self.fields["kommune"]
        if not show_status:
            del self.fields["status"]

    def clean_navn(self) -> str:
        value = " ".join(self.cleaned_data["navn"].split())
        if not _NAME_SEARCH.match(value):
            raise forms.ValidationError(
                _("Søk på navn uten sifre. Fødselsnummer kan ikke brukes i dette søket.")
            )
        return value

    def clean(self):
        cleaned = super().clean()
        _date_range_check(self, cleaned)
        return cleaned

    def valid_value(self, name: str):
        """The cleaned value of one field, or empty if that field has an error (so one bad
        field does not switch off the others)."""
        if not hasattr(self, "cleaned_data") or name in self.errors:
            return None
        return self.cleaned_data.get(name)


class CloseContactFilterForm(DsForm):
    """Filters of the «Nærkontakter» worklist, sent by GET: no name or number among them."""

    kommune = forms.ChoiceField(label=_("Kommune"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alle")), *CloseContact.Status.choices]
    )
    rapportert_av = forms.ChoiceField(
        label=_("Rapportert av"),
        required=False,
        choices=[("", _("Alle")), *CloseContact.ReportedBy.choices],
    )
    fra = _date_field(_("Rapportert fra"))
    til = _date_field(_("Rapportert til"))

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kommune"].choices = [("", _("Alle mine kommuner"))] + [
            (m.number, m.name) for m in municipalities
        ]
        self.show_municipality = len(municipalities) > 1
        if not self.show_municipality:
            del self.fields["kommune"]

    def clean(self):
        cleaned = super().clean()
        _date_range_check(self, cleaned)
        return cleaned

    valid_value = WorklistFilterForm.valid_value


class CloseContactStatusForm(DsForm):
    status = forms.ChoiceField(label=_("Status"), choices=CloseContact.Status.choices)


class CloseContactNoteForm(DsForm):
    text = forms.CharField(label=_("Notat"), widget=forms.Textarea(attrs={"rows": 4}))


class ColumnChooserForm(DsForm):
    """I-3 'Velg kolonner': checkboxes, works without JavaScript."""

    kolonner = forms.MultipleChoiceField(
        label=_("Velg kolonner"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kolonner"].choices = [(c.key, c.label) for c in columns]


class FnrSearchForm(DsForm):
    """«Finn på fødselsnummer»: one exact, checksum-valid number, POSTed (never in a URL)."""

    fnr = FnrField(label=_("Fødselsnummer (11 siffer)"))


class BulkAction:
    CLOSE = "avslutt"
    FOLLOW_UP = "oppfolging"


class _IdsField(forms.Field):
    """The ticked rows' ids (value="<id>" checkboxes named `valgt`), at most a page of them."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids = []
        for item in values:
            # A bigint has at most 19 digits; a longer string is not parsed at all.
            text = str(item)
            if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > MAX_ID:
                raise forms.ValidationError(_("Ugyldig valg."))
            ids.append(int(text))
        return list(dict.fromkeys(ids))

    def validate(self, value):
        if not value:
            raise forms.ValidationError(_("Velg minst én rad i listen."))
        if len(value) > max(PAGE_SIZES):
            raise forms.ValidationError(
                _("Velg høyst %(max)s rader om gangen."), params={"max": max(PAGE_SIZES)}
            )


class BulkActionForm(DsForm):
    """«Avslutt valgte» / «Sett oppfølgingsdato» for the ticked rows of a worklist page."""

    valgt = _IdsField(label=_("Valgte rader"))
    handling = forms.ChoiceField(
        label=_("Handling"),
        choices=[
            (BulkAction.CLOSE, _("Avslutt valgte")),
            (BulkAction.FOLLOW_UP, _("Sett oppfølgingsdato")),
        ],
    )
    oppfolging = _date_field(_("Ny oppfølgingsdato"))

    def clean(self):
        cleaned = super().clean()
        follow_up = cleaned.get("handling") == BulkAction.FOLLOW_UP
        if follow_up and not cleaned.get("oppfolging") and "oppfolging" not in self.errors:
            self.add_error("oppfolging", _("Skriv inn datoen for neste oppfølging."))
        return cleaned


class NoteForm(DsForm):
    title = forms.CharField(label=_("Overskrift"), required=False, max_length=200)
    text = forms.CharField(label=_("Notat"), widget=forms.Textarea(attrs={"rows": 4}))


class CloseContactForm(DsForm):
    fnr = FnrField()
    last_contact_on = _date_field(_("Siste kontakt"))

    def clean_last_contact_on(self):
        value = self.cleaned_data["last_contact_on"]
        _not_in_future(value)
        return value


class FollowUpForm(DsForm):
    follow_up_on = _date_field(_("Neste oppfølging"), required=True)


class IndexRegisterForm(DsForm):
    """Register an index by hand, e.g. after a lab report; index_register applies section 5.

    The fields only parse; every rule is the registration's one definition
    (tracing.registration, channel STAFF), which `clean()` runs. Names and address come from
    Folkeregisteret (tracing.lookup).
    """

    submission_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    fnr = FnrField()
    kommune = forms.ChoiceField(label=_("Kommune"))
    test_date_from = registration_date_field(label=_("Dato for test"))
    test_date_to = registration_date_field(label=_("til"), summary_label=_("Dato for test, til"))
    no_symptoms = forms.BooleanField(label=_("Ingen symptomer"), required=False)
    symptom_onset_from = registration_date_field(label=_("Dato for symptomstart"))
    symptom_onset_to = registration_date_field(
        label=_("til"), summary_label=_("Dato for symptomstart, til")
    )
    workplace_or_school = RegistrationTextField(
        "workplace_or_school", label=_("Arbeidssted eller skole")
    )
    infection_place = registration_choice_field(
        field="infection_place",
        label=_("Hvor ble personen smittet?"),
        choices=[("", _("Ikke oppgitt")), *InfectionPlace.choices],
    )
    infection_place_description = RegistrationTextField(
        "infection_place_description", label=_("Beskriv")
    )
    risk_group = registration_choice_field(
        field="risk_group",
        label=_("Risikogruppe"),
        choices=[("", _("Ikke oppgitt")), *RiskGroup.choices],
    )
    phone = RegistrationTextField("phone", label=_("Telefonnummer"))
    email = RegistrationTextField("email", label=_("E-post"), widget=forms.EmailInput)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kommune"].choices = [(m.number, m.name) for m in municipalities]
        if len(municipalities) == 1:
            self.fields["kommune"].initial = municipalities[0].number
        self.fields["test_date_from"].widget.attrs["required"] = True

    def clean(self):
        cleaned = super().clean()
        values = registration_check(self, channel=Channel.STAFF, today=local_today())
        self.answers = Answers(**{name: values[name] for name in ANSWER_FIELDS})
        self.contact = {name: values[name] for name in ("phone", "email")}
        return cleaned


class TransferForm(DsForm):
    """«Overfør til annen kommune»: to which customer municipality, and why (required)."""

    kommune = forms.ChoiceField(label=_("Mottakende kommune"))
    begrunnelse = forms.CharField(
        label=_("Begrunnelse"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Skrives i et notat på indeksen, som begge kommuner kan se."),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kommune"].choices = [("", _("Velg kommune"))] + [
            (m.number, m.name) for m in municipalities
        ]
        self.fields["kommune"].error_messages["required"] = _("Velg kommunen som skal ta over.")
        self.fields["begrunnelse"].error_messages["required"] = _(
            "Skriv en begrunnelse for overføringen."
        )
