"""`centric worker`: run background tasks from the database queue (django-tasks-db's db_worker).

Defaults suit a small business: every queue, a one-second poll, no autoreload. `--batch` runs
what is queued and exits (tests, cron); `--max-tasks N` stops after N tasks.

While it runs it writes a heartbeat (`centric.core.workers`), so a queued job's page can say
when no worker is there to pick it up.
"""

from __future__ import annotations

import os
import signal
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from centric.core.workers import Heartbeat


class Command(BaseCommand):
    help = _("Run background tasks (imports, exports…) from the database queue.")  # type: ignore[assignment]  # lazy: translated when shown

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue-name",
            default="*",
            help=_("Queues to process, comma-separated; '*' for all (default)."),  # type: ignore[arg-type]
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help=_("Seconds to wait when the queue is empty (default 1)."),  # type: ignore[arg-type]
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help=_("Run every queued task, then exit."),  # type: ignore[arg-type]
        )
        parser.add_argument(
            "--max-tasks",
            type=int,
            default=None,
            help=_("Exit after this many tasks."),  # type: ignore[arg-type]
        )
        parser.add_argument(
            "--reload",
            action="store_true",
            help=_("Restart on code changes (development)."),  # type: ignore[arg-type]
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = get_random_string(32)
        reload = options["reload"] and not options["batch"]
        if reload and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The reloader's parent only watches files; the child it starts runs the tasks.
            self._run(worker_id, reload, options)
            return
        with Heartbeat(worker_id=worker_id, queues=options["queue_name"]):
            self._run(worker_id, reload, options)

    def _run(self, worker_id: str, reload: bool, options: dict[str, Any]) -> None:
        arguments = {
            "queue_name": options["queue_name"],
            "interval": options["interval"],
            "batch": options["batch"],
            "reload": reload,
            "startup_delay": False,
            "worker_id": worker_id,
            "verbosity": options["verbosity"],
            "stdout": self.stdout,
            "stderr": self.stderr,
        }
        if options["max_tasks"] is not None:
            arguments["max_tasks"] = options["max_tasks"]
        if not options["batch"]:
            from centric.core.schedule import book_repeating

            book_repeating()
            call_command("db_worker", **arguments)
            return
        # The worker installs its own signal handlers; a batch run inside another program (a test,
        # a cron job's wrapper) gets the caller's handlers back when it returns.
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        if hasattr(signal, "SIGQUIT"):
            saved[signal.SIGQUIT] = signal.getsignal(signal.SIGQUIT)
        try:
            call_command("db_worker", **arguments)
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)
