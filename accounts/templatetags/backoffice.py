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
    gap."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - 2, page.number + 3)}
    numbers: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers
