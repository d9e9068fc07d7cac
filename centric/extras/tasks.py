"""Background work of the extras (run by `centric worker`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from centric.core.records import registry

BATCH = 2_000


@task()
def refresh_search_names(record_key: str) -> dict[str, Any]:
    """Rebuild the search names of every record of a type after its searchable custom fields
    changed, in batches by id. Safe to retry: each batch writes what the record holds now."""
    record_type = registry.get(record_key)
    if record_type.search_text is None:
        return {"skipped": True}
    manager: Any = record_type.model._default_manager
    updated, last = 0, 0
    while True:
        batch = list(manager.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            break
        changed = []
        for record in batch:
            search_name = record_type.search_text(record)
            if record.search_name != search_name:
                record.search_name = search_name
                changed.append(record)
        manager.bulk_update(changed, ["search_name"])
        updated += len(changed)
        last = batch[-1].pk
    return {"updated": updated}
