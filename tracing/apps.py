from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "tracing"
    verbose_name = "Smittesporing"

    def ready(self) -> None:
        from core.i18n import language_switch_keeps
        from tracing.worklists import NAME_TOKEN_PARAM

        # A worklist keeps its filters, sort and page in another language; never a name.
        language_switch_keeps(
            "kommune", "status", "selvregistrert", "sorter", "side", NAME_TOKEN_PARAM
        )
