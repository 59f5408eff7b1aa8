from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _forget_choices(sender, **kwargs) -> None:
    from municipalities.selectors import forget_municipality_choices

    forget_municipality_choices()


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = "Kommuner"

    def ready(self) -> None:
        from municipalities.models import Municipality

        post_save.connect(_forget_choices, sender=Municipality, dispatch_uid="municipality_choices")
        post_delete.connect(
            _forget_choices, sender=Municipality, dispatch_uid="municipality_choices_delete"
        )
