"""Template helpers for the back office: role checks for menus (every view checks again through
its guard) and page links."""

from django import template
from django.core.paginator import Page

from accounts.selectors import user_is_admin, user_is_tracer

register = template.Library()


@register.filter
def is_tracer(user) -> bool:
    return user_is_tracer(user)


@register.filter
def is_admin(user) -> bool:
    return user_is_admin(user)


@register.filter
def page_numbers(page: Page) -> list[int | None]:
    """Page links: the first, the last and two either side of the current page; None marks a
    gap of two pages or more (a gap of one is shown as that page's link: an ellipsis standing
    for a single page hides it for nothing)."""
    last = page.paginator.num_pages
    wanted = sorted(
        n for n in {1, last, *range(page.number - 2, page.number + 3)} if 1 <= n <= last
    )
    numbers: list[int | None] = []
    for number in wanted:
        previous = numbers[-1] if numbers else None
        if previous is not None and number - previous == 2:
            numbers.append(previous + 1)
        elif previous is not None and number - previous > 2:
            numbers.append(None)
        numbers.append(number)
    return numbers
