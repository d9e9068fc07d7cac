"""Rewrite every record's copies of its customers' owner and team (decision 0070).

The application keeps them right on its own; this repairs them after rows were written behind
its back (raw SQL, a restore of one table). Safe to run at any time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from centric.customers.about import about_customer_models, stale_copies


class Command(BaseCommand):
    help = "Copy each deal's, activity's, quote's and order's customers' owner and team onto it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check", action="store_true", help="only count stale rows; exit 1 if any"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            stale = stale_copies()
            if stale:
                raise CommandError(f"Stale copies: {stale}")
            if options["verbosity"]:
                self.stdout.write("Every copy is up to date.")
            return
        for model in about_customer_models():
            with transaction.atomic():
                rows = model._default_manager.all().refresh_copies()  # type: ignore[attr-defined]  # an AboutCustomerQuerySet
            if options["verbosity"]:
                self.stdout.write(f"{model._meta.verbose_name_plural}: {rows} rows")
