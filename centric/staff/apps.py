from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _forget_visibility(sender, **kwargs) -> None:
    from centric.core.cache import forget

    forget("visibility:")


class StaffConfig(AppConfig):
    name = "centric.staff"
    label = "staff"

    def ready(self) -> None:
        from centric.staff import receivers  # noqa: F401

        # Cache invalidation only (no business flow): the visibility rule caches the team tree
        # per process (`visibility:teams`); drop it the moment a team changes here.
        post_save.connect(_forget_visibility, sender="staff.Team", dispatch_uid="forget-team")
        post_delete.connect(_forget_visibility, sender="staff.Team", dispatch_uid="forget-del-team")
