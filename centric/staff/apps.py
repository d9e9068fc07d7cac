from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "centric.staff"
    label = "staff"

    def ready(self) -> None:
        from centric.staff import receivers  # noqa: F401
