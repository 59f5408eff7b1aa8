from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class TestidpConfig(AppConfig):
    """The bundled test identity provider (O-5): development and tests only."""

    name = "testidp"
    verbose_name = "Testinnlogging (O-5)"

    def ready(self) -> None:
        # production_checks refuses this too; the app refuses on its own as well, so that a
        # settings module that skips those checks still cannot serve a login that trusts any
        # typed-in fødselsnummer.
        if settings.PRODUCTION and settings.TEST_IDP_ENABLED:
            raise ImproperlyConfigured(
                "The test identity provider (testidp) must not run in production: "
                "set TEST_IDP_ENABLED=false."
            )
