"""`centric demo`: load the demo business (a Lagos retailer) once, and print how to sign in."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext_lazy as _

from centric.demo.generator import DEMO_PASSWORD, DEMO_STAFF, demo_is_loaded, load_demo, remove_demo


class Command(BaseCommand):
    help = _("Load the demo business (idempotent; --reset reloads it) and print the logins.")  # type: ignore[assignment]  # lazy: translated when shown

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help=_("Remove the demo business and load it again."),  # type: ignore[arg-type]
        )
        parser.add_argument(
            "--people",
            type=int,
            default=2000,
            help=_("How many customers (default 2000)."),  # type: ignore[arg-type]
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_is_loaded() and not options["reset"]:
            self.stdout.write(
                str(_("The demo business is already loaded (use --reset to reload it)."))
            )
        else:
            if options["reset"]:
                remove_demo()
            started = time.monotonic()
            counts = load_demo(people=options["people"], log=self.stdout.write)
            summary = ", ".join(f"{count} {name}" for name, count in counts.items())
            self.stdout.write(
                self.style.SUCCESS(
                    _("Demo business loaded in %(s).1f s: %(summary)s")
                    % {"s": time.monotonic() - started, "summary": summary}
                )
            )
        self.stdout.write("")
        self.stdout.write(
            _("Sign in at %(url)s with (password “%(pw)s” for all):")
            % {"url": options["url"], "pw": DEMO_PASSWORD}
        )
        for spec in DEMO_STAFF:
            self.stdout.write(
                f"  {spec.username:<11} {spec.role:<14} {spec.team}"
                + (" (lead)" if spec.lead else "")
            )
