"""`centric serve`: the development server, with a background worker beside it.

`make demo` runs `centric serve --with-worker`. The worker is a child process that is stopped
when the server stops (Ctrl-C, SIGTERM, or the server exiting on its own).
"""

from __future__ import annotations

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _


class Command(BaseCommand):
    help = _("Serve Centric for development, optionally with a background worker.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--with-worker", action="store_true", help=_("Start `centric worker` beside it.")
        )
        parser.add_argument("--noreload", action="store_true", help=_("No autoreload."))

    def handle(self, *args, **options) -> None:
        python = sys.executable
        children: list[subprocess.Popen] = []

        def stop(*_args) -> None:
            for child in reversed(children):
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()

        if options["with_worker"]:
            children.append(
                subprocess.Popen(  # noqa: S603 - our own interpreter and command
                    [python, "-m", "centric", "worker", "--verbosity", "1"]
                )
            )
            self.stdout.write(f"worker started (pid {children[-1].pid})")
        server = [
            python,
            "-m",
            "centric",
            "runserver",
            f"{options['host']}:{options['port']}",
        ]
        if options["noreload"]:
            server.append("--noreload")
        children.insert(0, subprocess.Popen(server))  # noqa: S603 - our own interpreter
        self.stdout.write(
            self.style.SUCCESS(
                f"Centric ({settings.CENTRIC_BUSINESS_NAME}) at "
                f"http://{options['host']}:{options['port']}/ — Ctrl-C stops server and worker"
            )
        )
        previous = signal.signal(signal.SIGTERM, lambda *_a: (stop(), sys.exit(0)))
        try:
            children[0].wait()
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            signal.signal(signal.SIGTERM, previous)
