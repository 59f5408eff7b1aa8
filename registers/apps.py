from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class RegistersConfig(AppConfig):
    name = "registers"
    verbose_name = "Registre (Folkeregisteret, KRR)"

    def ready(self) -> None:
        from registers.checks import digdir_settings_problems  # registers the system check

        if settings.PRODUCTION:
            problems = digdir_settings_problems(settings)
            if problems:
                raise ImproperlyConfigured(
                    "Refusing to start in production mode: " + "; ".join(problems)
                )
