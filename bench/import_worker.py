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
            }
        )
    )


if __name__ == "__main__":
    main()
