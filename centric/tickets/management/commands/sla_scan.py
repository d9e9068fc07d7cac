"""`manage.py sla_scan`: run the SLA scan once (cron, or a look at what is due)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Warn before and escalate on SLA breaches now (the worker does this every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        from centric.tickets.sla import scan

        result = scan()
        self.stdout.write(
            f"looked at {result.looked_at}, warned {result.warned}, "
            f"late {result.breached}, escalated {result.escalated}"
        )
