from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_search_indexes(sender, using="default", **kwargs) -> None:
    """Keep the SQLite name-search index alive across table rebuilds (see core.search)."""
    from django.db import connections

    from centric.core.search import ensure_sqlite_search_index

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    tables = set(connection.introspection.table_names())
    for table in ("customers_person", "customers_organisation"):
        if table in tables:
            ensure_sqlite_search_index(connection, table)


def _ensure_lifecycle_stages(sender, using="default", **kwargs) -> None:
    """Seed the default stages when there are none: after migrate, and after a test flush.

    Transactional tests (browser tests, the worker) end with a flush that empties every table,
    data-migration seeds included; flush sends post_migrate, so the stages come back here.
    A business that renamed or removed stages keeps its choice (only an empty table is seeded).
    """
    from django.db import connections

    from centric.customers.choices import DEFAULT_LIFECYCLE_STAGES
    from centric.customers.models import LifecycleStage

    if LifecycleStage._meta.db_table not in connections[using].introspection.table_names():
        return
    stages = LifecycleStage.objects.using(using)
    if stages.exists():
        return
    stages.bulk_create(
        [
            LifecycleStage(
                key=key, label=str(label), position=index * 10, counts_as_customer=is_customer
            )
            for index, (key, label, is_customer) in enumerate(DEFAULT_LIFECYCLE_STAGES)
        ]
    )


class CustomersConfig(AppConfig):
    name = "centric.customers"
    label = "customers"

    def ready(self) -> None:
        post_migrate.connect(
            _ensure_search_indexes, sender=self, dispatch_uid="customers_search_indexes"
        )
        post_migrate.connect(
            _ensure_lifecycle_stages, sender=self, dispatch_uid="customers_lifecycle_stages"
        )
