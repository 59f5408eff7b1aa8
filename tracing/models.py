"""The tracing system: person records, indexes (episodes), close contacts and notes.

One person (fødselsnummer) may have several person records, e.g. one per municipality (spec
section 5). Each record is, by what hangs on it, an index person or a close contact.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality
from tracing.references import LENGTH as REFERENCE_LENGTH
from tracing.references import reference_new


class Person(models.Model):
    fnr = models.CharField(max_length=11, db_index=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    birth_date = models.DateField(null=True, blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=4, blank=True)
    post_town = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.CharField(max_length=254, blank=True)
    # D-1c/D-2d: a new record made while records for the same number exist elsewhere.
    possible_duplicate = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Person {self.pk}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)


class InfectionPlace(models.TextChoices):
    HOUSEHOLD = "household", _("Husstand")
    WORK = "work", _("Arbeid")
    SCHOOL = "school", _("Skole eller barnehage")
    LEISURE = "leisure", _("Fritid")
    ABROAD = "abroad", _("Reise i utlandet")
    UNKNOWN = "unknown", _("Vet ikke")
    OTHER = "other", _("Annet")


class RiskGroup(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nei")
    UNKNOWN = "unknown", _("Vet ikke")


class RegisteredByKind(models.TextChoices):
    SELF = "self", _("Innbygger selv")
    GUARDIAN = "guardian", _("Foresatt")
    STAFF = "staff", _("Smittesporer")
    API = "api", _("Integrasjon")


class Index(models.Model):
    """One episode of a person being an index case ("indeks")."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktiv")
        CLOSED = "closed", _("Avsluttet")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="indexes")
    # «Referansenummer»: shown on the citizen's receipt and in the back office.
    reference = models.CharField(
        max_length=REFERENCE_LENGTH, unique=True, default=reference_new, editable=False
    )
    # Copied from the person so that the database itself holds D-3: one active index per number.
    fnr = models.CharField(max_length=11)
    # Copied from the person at registration, like the number: the overview's age groups are
    # then counted from the index rows alone, without a join to a million person records.
    birth_date = models.DateField(null=True, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    follow_up_on = models.DateField(help_text="Date of the next follow-up (worklist 'today')")

    workplace_or_school = models.CharField(max_length=200, blank=True)
    test_date_from = models.DateField(null=True, blank=True)
    test_date_to = models.DateField(null=True, blank=True)
    no_symptoms = models.BooleanField(default=False)
    symptom_onset_from = models.DateField(null=True, blank=True)
    symptom_onset_to = models.DateField(null=True, blank=True)
    infection_place = models.CharField(max_length=20, choices=InfectionPlace.choices, blank=True)
    infection_place_description = models.CharField(max_length=500, blank=True)
    risk_group = models.CharField(max_length=10, choices=RiskGroup.choices, blank=True)

    self_registered = models.BooleanField(default=False)
    registered_by_kind = models.CharField(max_length=10, choices=RegisteredByKind.choices)
    registered_by_fnr = models.CharField(max_length=11, blank=True)
    # A child registered by a parent: the parent as the registration knew them (Folkeregisteret's
    # name, KRR's phone), so that the tracer can reach the guardian.
    registered_by_name = models.CharField(max_length=300, blank=True, db_default="")
    registered_by_phone = models.CharField(max_length=20, blank=True, db_default="")
    registered_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # C-8: one form submission registers once.
    submission_id = models.UUIDField(null=True, blank=True, unique=True)
    # Why this index exists (spec section 5): the rule that decided and the candidates it saw.
    duplicate_rule = models.CharField(max_length=5)
    duplicate_candidates = models.JSONField(default=list, blank=True)
    # D-1d/D-2c: the close-contact role this index was converted from.
    converted_from_contact = models.ForeignKey(
        "CloseContact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The last hand-over from another municipality: from where, when and by whom (the note
    # written with it says why). The receiving tracers see it in their worklist.
    transferred_from = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transferred_at = models.DateTimeField(null=True, blank=True)
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fnr"], condition=Q(status="active"), name="one_active_index_per_fnr"
            ),
            models.CheckConstraint(
                condition=Q(status="active", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="closed_at_iff_closed",
            ),
        ]
        indexes = [
            models.Index(
                fields=["municipality", "status", "follow_up_on"], name="index_worklist_today"
            ),
            models.Index(
                fields=["municipality", "self_registered", "opened_at"],
                name="index_worklist_selfreg",
            ),
            models.Index(fields=["fnr", "opened_at"], name="index_fnr_opened"),
        ]

    def __str__(self) -> str:
        return f"Indeks {self.pk}"


class CloseContact(models.Model):
    """A person record's role as close contact ("nærkontakt") of an index."""

    class Status(models.TextChoices):
        NOT_CONTACTED = "not_contacted", _("Ikke kontaktet")
        CONTACTED = "contacted", _("Kontaktet")
        NOT_REACHED = "not_reached", _("Ikke nådd")

    class ReportedBy(models.TextChoices):
        STAFF = "staff", _("Smittesporer")
        INDEX = "index", _("Registrert av indeks")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contact_roles")
    index = models.ForeignKey(Index, on_delete=models.PROTECT, related_name="close_contacts")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)
    last_contact_on = models.DateField(null=True, blank=True)
    registered_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who reported the contact: a tracer, or the index person's own household list.
    reported_by = models.CharField(
        max_length=10, choices=ReportedBy.choices, db_default=ReportedBy.STAFF
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, db_default=Status.NOT_CONTACTED
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The «Nærkontakter» worklist: a municipality's contacts, newest reported first.
            models.Index(
                fields=["municipality", "registered_at"], name="contact_worklist_reported"
            ),
        ]

    def __str__(self) -> str:
        return f"Nærkontakt {self.pk}"


class Note(models.Model):
    """A note on an index. Notes are never edited or deleted (B-3).

    A note about one of the index's close contacts is a note on the index too, naming the
    contact in its title and pointing at the contact: it travels and is deleted with the index
    like every other note, and the index page shows the whole story in one list."""

    index = models.ForeignKey(Index, on_delete=models.PROTECT, related_name="notes")
    close_contact = models.ForeignKey(
        CloseContact, null=True, blank=True, on_delete=models.PROTECT, related_name="notes"
    )
    title = models.CharField(max_length=200)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["-created_at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Notes cannot be changed once written")
        super().save(*args, **kwargs)


class PersonLock(models.Model):
    """One row per fødselsnummer, locked (SELECT ... FOR UPDATE) while an index is registered,
    so that simultaneous registrations for one person run one after the other (D-3, C-8)."""

    fnr = models.CharField(max_length=11, primary_key=True)


class WorklistPreference(models.Model):
    """The columns a tracer has chosen for a worklist (I-3: 'the choice is kept')."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worklist_preferences"
    )
    worklist = models.CharField(max_length=40)
    columns = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "worklist"], name="one_preference_per_list")
        ]
