"""The synthetic register: a local Folkeregister and KRR filled by `load_register` (O-2).

Only synthetic persons from our own generator are ever stored here.
"""

from django.db import models


class SyntheticPerson(models.Model):
    fnr = models.CharField(max_length=11, primary_key=True)
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    birth_date = models.DateField()
    # Bostedsadresse; has_address=False means no known address.
    has_address = models.BooleanField(default=False)
    street_name = models.CharField(max_length=200, blank=True)
    house_number = models.CharField(max_length=10, blank=True)
    house_letter = models.CharField(max_length=5, blank=True)
    unit_number = models.CharField(max_length=10, blank=True)
    postal_code = models.CharField(max_length=4, blank=True)
    municipality_number = models.CharField(max_length=4, blank=True)


class SyntheticParentage(models.Model):
    """Parent-child relation; both directions come from the child's `foreldre` (O-2)."""

    parent_fnr = models.CharField(max_length=11, db_index=True)
    child = models.ForeignKey(SyntheticPerson, on_delete=models.CASCADE, related_name="parentages")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["parent_fnr", "child"], name="parentage_once")
        ]


class SyntheticKrrEntry(models.Model):
    person = models.OneToOneField(
        SyntheticPerson, on_delete=models.CASCADE, primary_key=True, related_name="krr"
    )
    phone = models.CharField(max_length=20, blank=True)
    email = models.CharField(max_length=254, blank=True)
    reserved = models.BooleanField(default=False)
