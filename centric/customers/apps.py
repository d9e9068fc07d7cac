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


class CustomersConfig(AppConfig):
    name = "centric.customers"
    label = "customers"

    def ready(self) -> None:
        post_migrate.connect(
            _ensure_search_indexes, sender=self, dispatch_uid="customers_search_indexes"
        )
