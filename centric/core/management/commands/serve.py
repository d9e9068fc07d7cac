"""`centric serve`: the development server, with a background worker beside it.

`make demo` runs `centric serve --with-worker`. Server and worker run in their own process
groups and are stopped together when the server stops, on Ctrl-C, or on SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext_lazy as _


class _Stop(Exception):
    """Raised by the SIGTERM handler to leave the wait and stop the children."""


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)  # the runserver reloader has a child too
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


class Command(BaseCommand):
    help = _("Serve Centric for development, optionally with a background worker.")  # type: ignore[assignment]  # lazy: translated when shown

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help=_("Start `centric worker` beside it."),  # type: ignore[arg-type]
        )
        parser.add_argument("--noreload", action="store_true", help=_("No autoreload."))  # type: ignore[arg-type]

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        server_args = [python, "-m", "centric", "runserver", f"{options['host']}:{options['port']}"]
        if options["noreload"]:
            server_args.append("--noreload")
        children: list[subprocess.Popen[bytes]] = []

        def on_term(*_args: object) -> None:
            raise _Stop

        previous = signal.signal(signal.SIGTERM, on_term)
        try:
            if options["with_worker"]:
                worker = subprocess.Popen(  # noqa: S603 - our own interpreter and command
                    [python, "-m", "centric", "worker"], start_new_session=True
                )
                children.append(worker)
                self.stdout.write(str(_("worker started (pid %(pid)s)") % {"pid": worker.pid}))
            server = subprocess.Popen(server_args, start_new_session=True)  # noqa: S603
            children.append(server)
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(name)s at http://%(host)s:%(port)s/ — Ctrl-C stops server and worker")
                    % {
                        "name": settings.CENTRIC_BUSINESS_NAME,
                        "host": options["host"],
                        "port": options["port"],
                    }
                )
            )
            server.wait()
        except (KeyboardInterrupt, _Stop):
            pass
        finally:
            _stop(children)
            signal.signal(signal.SIGTERM, previous)
            self.stdout.write(str(_("server and worker stopped")))
