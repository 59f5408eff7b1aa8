"""The back office's template helpers: the page links of a worklist."""

import pytest
from django.core.paginator import Paginator

from accounts.templatetags.backoffice import page_numbers


def _numbers(pages: int, current: int) -> list[int | None]:
    return page_numbers(Paginator(range(pages), 1).page(current))


@pytest.mark.parametrize(
    ("pages", "current", "expected"),
    [
        (1, 1, [1]),
        (5, 1, [1, 2, 3, 4, 5]),
        # A gap of one page shows that page, not «…».
        (5, 5, [1, 2, 3, 4, 5]),
        (6, 6, [1, None, 4, 5, 6]),
        (10, 1, [1, 2, 3, None, 10]),
        (10, 5, [1, 2, 3, 4, 5, 6, 7, None, 10]),
        (10, 6, [1, None, 4, 5, 6, 7, 8, 9, 10]),
        (20, 10, [1, None, 8, 9, 10, 11, 12, None, 20]),
    ],
)
def test_page_numbers_first_last_two_either_side_and_no_gap_of_one(pages, current, expected):
    assert _numbers(pages, current) == expected
