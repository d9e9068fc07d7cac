from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "centric.tickets"
    label = "tickets"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Service desk"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from centric.core.schedule import repeat_on_worker_start
        from centric.tickets.statuses import ensure_default_statuses
        from centric.tickets.tasks import book_sla_scan

        post_migrate.connect(ensure_default_statuses, sender=self)
        repeat_on_worker_start(book_sla_scan)
