from django.conf import settings
from django.db import models

from municipalities.contact import phone_display


class Municipality(models.Model):
    """A municipality in force from 2024-01-01 (A-4), and its status as a customer (A-1)."""

    number = models.CharField(max_length=4, primary_key=True)
    name = models.CharField(
        max_length=100, help_text="SSB's official name, e.g. 'Trondheim - Tråante'"
    )
    name_norwegian = models.CharField(max_length=100)
    county_number = models.CharField(max_length=2)
    county_name = models.CharField(max_length=100)
    is_customer = models.BooleanField(default=False)
    selfreg_enabled = models.BooleanField(default=False)
    # Where a citizen turned away by the portal goes next (C-3, C-5): set by the municipality's
    # administrator in Forvaltning, normalised by municipalities.contact.
    website = models.URLField(max_length=200, blank=True, default="")
    phone = models.CharField(max_length=11, blank=True, default="", help_text="'+47' and 8 digits")

    class Meta:
        ordering = ["name_norwegian"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_customer=True) | models.Q(selfreg_enabled=False),
                name="selfreg_only_for_customers",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def accepts_selfreg(self) -> bool:
        return self.is_customer and self.selfreg_enabled

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone)


class FormerMunicipalityNumber(models.Model):
    """A number abolished 2008–2024 and the 2024 municipality (or one of several) it became."""

    old_number = models.CharField(max_length=4, db_index=True)
    old_name = models.CharField(max_length=100)
    abolished_from = models.DateField()
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["old_number", "municipality"], name="former_number_once"
            )
        ]


class PostalCode(models.Model):
    code = models.CharField(max_length=4, primary_key=True)
    place = models.CharField(max_length=100)
    municipality_number = models.CharField(max_length=4)
    category = models.CharField(max_length=1)


class MunicipalityChange(models.Model):
    """What every logged change of a municipality records: when, who and from where."""

    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=20, help_text="'command', 'admin-page', 'demo-data'")

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-id"]


class MunicipalityStatusChange(MunicipalityChange):
    """Every switch of customer status or self-registration is logged (A-1)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="status_changes"
    )
    is_customer = models.BooleanField()
    selfreg_enabled = models.BooleanField()


class MunicipalityContactChange(MunicipalityChange):
    """Every change of the home page address or phone number shown to citizens, with the
    values it set."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="contact_changes"
    )
    website = models.URLField(max_length=200, blank=True)
    phone = models.CharField(max_length=11, blank=True)

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone)
