from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.metrics import scrape_gauge_register
        from outbox.selectors import backlog

        scrape_gauge_register(
            name="smittesporing_outbox_backlog",
            documentation="Confirmations waiting to be sent (pending), when scraped.",
            read=backlog,
        )
