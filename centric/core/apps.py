from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
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
        from centric.core.audit import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="core-sqlite-functions")
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="core-cache-table")
        # Cache invalidation only (no business flow): drop this process's cached policies the
        # moment they change here; other processes see it within seconds. The staff app does the
        # same for its team tree (StaffConfig.ready).
        post_save.connect(
            _forget_visibility, sender="core.VisibilityPolicy", dispatch_uid="forget-policy"
        )
        post_delete.connect(
            _forget_visibility, sender="core.VisibilityPolicy", dispatch_uid="forget-del-policy"
        )
