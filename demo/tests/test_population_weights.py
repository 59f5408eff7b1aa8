"""Approximate population weights and their apportioning (demo/population_weights.py)."""

import pytest

from demo.population_weights import LARGEST, NATIONAL_POPULATION, apportion, municipality_weights
from municipalities.selectors import municipality_list


@pytest.mark.django_db
def test_every_municipality_has_a_weight_oslo_the_largest_summing_to_norway():
    numbers = [m.number for m in municipality_list()]
    weights = municipality_weights(numbers)
    assert set(weights) == set(numbers) and len(numbers) == 357
    assert all(w > 0 for w in weights.values())
    assert max(weights, key=weights.get) == "0301"
    assert sum(weights.values()) == pytest.approx(NATIONAL_POPULATION)
    # No proxy-weighted municipality outweighs the smallest of the tabulated ones.
    proxied = [w for n, w in weights.items() if n not in LARGEST]
    assert max(proxied) < min(LARGEST.values())


@pytest.mark.parametrize("total", [0, 1, 7, 1000, 1_000_003])
def test_apportion_gives_whole_numbers_summing_to_the_total(total):
    counts = apportion(total, {"a": 5.0, "b": 3.0, "c": 1.5, "d": 0.5})
    assert sum(counts.values()) == total
    assert counts["a"] >= counts["b"] >= counts["c"] >= counts["d"]


def test_apportion_is_deterministic_on_ties():
    assert apportion(1, {"b": 1.0, "a": 1.0}) == {"a": 1, "b": 0}
