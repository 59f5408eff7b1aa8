from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app uses: error pages (R3), security headers (S6), session lifetime (S5),
    rate limits (S9), CSV writing, the base form class and settings helpers. No models; it
    imports no other app of the project."""

    name = "core"
