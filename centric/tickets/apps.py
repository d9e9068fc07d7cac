from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "centric.tickets"
    label = "tickets"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Service desk"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from centric.tickets.statuses import ensure_default_statuses

        post_migrate.connect(ensure_default_statuses, sender=self)
