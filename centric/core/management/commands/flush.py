"""Django's `flush`, which may also empty the append-only audit log (decision 0030)."""

from typing import Any

from django.core.management.commands import flush

from centric.core.audit import whole_database_flush


class Command(flush.Command):
    """On SQLite flush deletes row by row, which the audit log's trigger refuses unless told."""

    def handle(self, **options: Any) -> None:
        with whole_database_flush():
            return super().handle(**options)
