"""Child process of the import benchmark: `python -m bench.import_worker FILE`.

Runs against DATABASE_URL (the import database, set by the parent), times the importer's
programmatic entry point and prints one JSON line with the outcome.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "centric.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from centric.imports.services import import_file

    path = sys.argv[1]
    started = time.perf_counter()
    job = import_file(path=path, record_type="people")
    seconds = time.perf_counter() - started
    # The preparing processes have been joined: their CPU is counted in the children's times.
    times = os.times()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "status": job.status,
                "total": job.total,
                "created": job.created,
                "updated": job.updated,
                "rejected": job.rejected,
                "mapping": {k: v for k, v in job.mapping.items() if v},
                "cpu": {
                    "main": times.user + times.system,
                    "children": times.children_user + times.children_system,
                },
            }
        )
    )


if __name__ == "__main__":
    main()
