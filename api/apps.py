from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The integration API under /api/v1/ (django-ninja), for municipalities' own systems."""

    name = "api"
    verbose_name = "Integrasjons-API"
