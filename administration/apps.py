from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    """Forvaltning: each municipality's administrator switches self-registration on and off,
    gets the link to publish (A-1…A-3) and manages the integration's API tokens."""

    name = "administration"
    verbose_name = "Forvaltning"
