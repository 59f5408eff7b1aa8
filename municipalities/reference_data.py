"""Loads the reference data shipped in `municipalities/data/` (sources: data/SOURCES.md).

Idempotent: rows already present are left alone, so it is safe in a migration, in `make run`
and in tests that flush the database.
"""

import csv
from datetime import date
from pathlib import Path

from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent / "data"
MUNICIPALITIES_FILE = DATA_DIR / "kommuner-2024-utvidet.csv"
HISTORY_FILE = DATA_DIR / "kommune-endringer-historikk-til-2024.csv"
POSTAL_CODES_FILE = DATA_DIR / "postnummer.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(*, municipality_model=None, former_model=None, postal_model=None) -> None:
    """Insert whatever is missing. Model arguments let a migration pass its historical models."""
    from municipalities import models

    municipality_model = municipality_model or models.Municipality
    former_model = former_model or models.FormerMunicipalityNumber
    postal_model = postal_model or models.PostalCode

    with transaction.atomic():
        if municipality_model.objects.count() < 357:
            existing = set(municipality_model.objects.values_list("number", flat=True))
            municipality_model.objects.bulk_create(
                municipality_model(
                    number=row["kommunenummer"],
                    name=row["navn"],
                    name_norwegian=row["navn_norsk"],
                    county_number=row["fylkesnummer"],
                    county_name=row["fylkesnavn_norsk"],
                )
                for row in _rows(MUNICIPALITIES_FILE)
                if row["kommunenummer"] not in existing
            )
        if not former_model.objects.exists():
            former_model.objects.bulk_create(
                former_model(
                    old_number=row["old_kommunenummer"],
                    old_name=row["old_navn"],
                    abolished_from=date.fromisoformat(row["nedlagt_fra"]),
                    municipality_id=row["kommunenummer_2024"],
                )
                for row in _rows(HISTORY_FILE)
            )
        if not postal_model.objects.exists():
            postal_model.objects.bulk_create(
                postal_model(
                    code=row["postnummer"],
                    place=row["poststed"],
                    municipality_number=row["kommunenummer"],
                    category=row["kategori"],
                )
                for row in _rows(POSTAL_CODES_FILE)
            )
    if municipality_model is models.Municipality:  # bulk_create sends no post_save
        from municipalities.selectors import forget_municipality_choices

        forget_municipality_choices()
