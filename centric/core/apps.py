from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


def _create_cache_table(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """The database cache (sign-in rate limits) needs its table: make `migrate` create it, so a
    fresh database never needs a second, easily forgotten command."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


def _forget_visibility(sender: Any, **kwargs: Any) -> None:
    from centric.core.cache import forget

    forget("visibility:")


class CoreConfig(AppConfig):
    name = "centric.core"
    label = "core"

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="core-cache-table")
        # Cache invalidation only (no business flow): drop this process's cached policies and
        # team tree the moment they change here; other processes see it within seconds.
        for model_name in ("core.VisibilityPolicy", "staff.Team"):
            post_save.connect(
                _forget_visibility, sender=model_name, dispatch_uid=f"forget-{model_name}"
            )
            post_delete.connect(
                _forget_visibility, sender=model_name, dispatch_uid=f"forget-del-{model_name}"
            )
