"""How many synthetic persons each municipality gets: an approximation of real population weight.

The project holds no population table, so the weights are built from two things:

1. The twelve largest municipalities (everything above ~75 000 inhabitants), with their
   population on 1 January 2024 from SSB (table 07459) ROUNDED TO THE NEAREST THOUSAND and
   written down from memory of the published figures: expect errors of a few per cent, not
   more. They carry 39 % of the country, so the national shape (Oslo first, then Bergen,
   Trondheim, Stavanger, Bærum ...) is right.
2. Every other municipality shares the rest of the national total (5 550 000, SSB 1 January
   2024, rounded) in proportion to its number of street-address postal codes (Bring categories
   G and B in municipalities/data/postnummer.csv). That proxy follows settlement, but it
   over-weights large rural municipalities with many small postal areas and under-weights dense
   suburbs: a municipality may be off by a factor of two. Good enough for load testing; not a
   population statistic.
"""

import csv
from collections import Counter

from municipalities.reference_data import POSTAL_CODES_FILE

NATIONAL_POPULATION = 5_550_000
LARGEST = {
    "0301": 718_000,  # Oslo
    "4601": 291_000,  # Bergen
    "5001": 214_000,  # Trondheim
    "1103": 149_000,  # Stavanger
    "3201": 131_000,  # Bærum
    "4204": 117_000,  # Kristiansand
    "3301": 104_000,  # Drammen
    "3203": 97_000,  # Asker
    "3205": 91_000,  # Lillestrøm
    "3107": 84_000,  # Fredrikstad
    "1108": 83_000,  # Sandnes
    "5501": 78_000,  # Tromsø
}
STREET_ADDRESS_CATEGORIES = {"G", "B"}


def municipality_weights(numbers: list[str]) -> dict[str, float]:
    """An approximate population for each of `numbers` (the 357 municipalities in force)."""
    codes: Counter[str] = Counter()
    with POSTAL_CODES_FILE.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["kategori"] in STREET_ADDRESS_CATEGORIES:
                codes[row["kommunenummer"]] += 1
    rest = [n for n in numbers if n not in LARGEST]
    rest_population = NATIONAL_POPULATION - sum(LARGEST[n] for n in numbers if n in LARGEST)
    rest_codes = sum(max(codes[n], 1) for n in rest)
    weights = {n: float(LARGEST[n]) for n in numbers if n in LARGEST}
    for n in rest:
        weights[n] = rest_population * max(codes[n], 1) / rest_codes
    return weights


def apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` in proportion to `weights`, whole numbers summing to `total` exactly
    (largest remainder; ties broken by key, so the result is deterministic)."""
    weight_sum = sum(weights.values())
    shares = {key: total * w / weight_sum for key, w in weights.items()}
    counts = {key: int(share) for key, share in shares.items()}
    missing = total - sum(counts.values())
    by_remainder = sorted(shares, key=lambda key: (-(shares[key] - counts[key]), key))
    for key in by_remainder[:missing]:
        counts[key] += 1
    return counts
