"""`centric resolve`: find duplicate people, print a summary, optionally write the clusters as CSV."""

from __future__ import annotations

import csv
import time

from django.core.management.base import BaseCommand

from centric.identity.models import ResolutionRun


class Command(BaseCommand):
    help = "Resolve identities over all people: score pairs, fill the review queue, merge if auto-merge is on."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--clusters-out",
            metavar="FILE",
            help="Write record id, external id and cluster id as CSV.",
        )

    def handle(self, *args, **options) -> None:
        from centric.identity.services.resolution import resolution_run

        started = time.perf_counter()
        run = ResolutionRun.objects.create()

        def progress(stage: str, percent: int) -> None:
            ResolutionRun.objects.filter(pk=run.pk).update(stage=stage, progress=percent)
            self.stderr.write(f"[{percent:3d}%] {stage}")

        summary = resolution_run(run=run, on_progress=progress)
        result = summary.pop("result")
        elapsed = time.perf_counter() - started
        clusters = result.clusters()
        self.stdout.write(
            "\n".join(
                [
                    f"Records:              {summary['records']}",
                    f"Pairs scored:         {summary['pairs_scored']}",
                    f"Pairs for review:     {summary['pairs_for_review']}",
                    f"Pairs above merge:    {summary['pairs_above_merge']}",
                    f"Identities (clusters): {summary['clusters']}",
                    f"Merged automatically: {summary['auto_merged']}",
                    f"Time:                 {elapsed:.1f} s",
                ]
            )
        )
        if options.get("clusters_out"):
            from centric.customers.models import Person

            external = dict(
                Person.objects.filter(pk__in=[int(i) for i in result.table.ids]).values_list(
                    "pk", "external_id"
                )
            )
            with open(options["clusters_out"], "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["record_id", "external_id", "cluster_id"])
                for index, record_id in enumerate(result.table.ids):
                    writer.writerow(
                        [
                            record_id,
                            external.get(int(record_id)) or "",
                            result.table.ids[clusters[index]],
                        ]
                    )
            self.stdout.write(f"Clusters written to {options['clusters_out']}")
