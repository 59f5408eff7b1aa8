"""The front page: where a person who opens the bare address finds the two doors."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Public and without personal data: links to the citizen portal and the back office."""
    return render(request, "home.html")
