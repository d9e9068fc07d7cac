"""Running the matcher over every person and keeping what it found.

The same library the command line and the benchmark use: `centric.identity.matching`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from centric.customers.choices import ContactKind
from centric.customers.models import ContactPoint, Membership, Person
from centric.identity.matching import Matcher, MatchResult
from centric.identity.matching.presets import people_settings, people_table
from centric.identity.models import CandidatePair, IdentitySettings, ResolutionRun

BATCH = 5_000
PHONE_KINDS = (ContactKind.PHONE, ContactKind.WHATSAPP)


def people_records(queryset: QuerySet[Person] | None = None) -> list[dict[str, Any]]:
    """Every unmerged person as a plain record for the matcher, read in a few big queries."""
    people = Person.objects.filter(merged_into__isnull=True) if queryset is None else queryset
    records: dict[int, dict[str, Any]] = {}
    for pk, external_id, first, last, dob in people.values_list(
        "pk", "external_id", "first_name", "last_name", "date_of_birth"
    ).iterator(chunk_size=BATCH):
        records[pk] = {
            "id": pk,
            "external_id": external_id,
            "first_name": first,
            "last_name": last,
            "date_of_birth": dob,
            "phones": [],
            "emails": [],
            "city": "",
            "organisation": "",
        }
    points = ContactPoint.objects.filter(person_id__in=people.values("pk")).values_list(
        "person_id", "kind", "value_normalized", "city"
    )
    for person_id, kind, value, city in points.iterator(chunk_size=BATCH):
        record = records.get(person_id)
        if record is None:
            continue
        if kind in PHONE_KINDS:
            record["phones"].append(value)
        elif kind == ContactKind.EMAIL:
            record["emails"].append(value)
        elif kind == ContactKind.ADDRESS and city and not record["city"]:
            record["city"] = city
    memberships = Membership.objects.filter(person_id__in=people.values("pk")).values_list(
        "person_id", "organisation__name"
    )
    for person_id, name in memberships.iterator(chunk_size=BATCH):
        if person_id in records and not records[person_id]["organisation"]:
            records[person_id]["organisation"] = name
    return list(records.values())


def match_people(
    records: list[dict[str, Any]], *, settings: IdentitySettings | None = None
) -> MatchResult:
    settings = settings or IdentitySettings.current()
    table = people_table(records)
    return Matcher(
        people_settings(
            review_threshold=settings.review_threshold, merge_threshold=settings.merge_threshold
        )
    ).fit_predict(table)


def _progress(run: ResolutionRun | None, stage: str, percent: int) -> None:
    if run is not None:
        ResolutionRun.objects.filter(pk=run.pk).update(stage=stage, progress=percent)


@transaction.atomic
def _store_pairs(
    run: ResolutionRun | None, result: MatchResult, threshold: float
) -> tuple[int, int]:
    """Keep pairs at or above the review threshold; decisions already taken are never reopened."""
    chosen = np.flatnonzero(result.probability >= threshold)
    ids = result.table.ids
    decided = {
        (low, high)
        for low, high in CandidatePair.objects.exclude(
            status=CandidatePair.Status.PENDING
        ).values_list("person_low_id", "person_high_id")
    }
    CandidatePair.objects.filter(status=CandidatePair.Status.PENDING).delete()
    new_pairs = []
    for index in chosen:
        a, b = int(ids[result.left[index]]), int(ids[result.right[index]])
        low, high = min(a, b), max(a, b)
        if (low, high) in decided:
            continue
        new_pairs.append(
            CandidatePair(
                person_low_id=low,
                person_high_id=high,
                probability=float(result.probability[index]),
                weight=float(result.weight[index]),
                evidence=result.explain(int(index)),
                run=run,
            )
        )
    CandidatePair.objects.bulk_create(new_pairs, batch_size=BATCH)
    above = sum(1 for pair in new_pairs if pair.probability >= result.settings.merge_threshold)
    return len(new_pairs), above


def resolution_run(
    *, run: ResolutionRun | None = None, on_progress: Callable[[str, int], None] | None = None
) -> dict[str, Any]:
    """Score every pair of people, keep the review queue, and merge automatically if the business chose so."""
    from centric.identity.services.merge import people_merge

    settings = IdentitySettings.current()
    report = on_progress or (lambda stage, percent: _progress(run, stage, percent))
    if run is not None:
        ResolutionRun.objects.filter(pk=run.pk).update(
            status=ResolutionRun.Status.RUNNING, started_at=timezone.now(), error=""
        )
    report("reading records", 5)
    records = people_records()
    report("scoring pairs", 25)
    result = match_people(records, settings=settings)
    report("saving the review queue", 80)
    stored, above = _store_pairs(run, result, settings.review_threshold)
    clusters = result.clusters()
    cluster_count = len(set(clusters.tolist()))
    auto_merged = 0
    if settings.auto_merge:
        report("merging", 90)
        groups: dict[int, list[int]] = {}
        for index, cluster in enumerate(clusters):
            groups.setdefault(int(cluster), []).append(int(result.table.ids[index]))
        for members in groups.values():
            if len(members) < 2:
                continue
            people = list(
                Person.objects.filter(pk__in=members, merged_into__isnull=True).order_by(
                    "created_at", "pk"
                )
            )
            if len(people) >= 2:
                people_merge(actor=None, survivor=people[0], others=people[1:], automatic=True)
                auto_merged += len(people) - 1
    summary = {
        "records": len(records),
        "pairs_scored": int(len(result.left)),
        "pairs_for_review": stored,
        "pairs_above_merge": above,
        "clusters": cluster_count,
        "auto_merged": auto_merged,
        "blocking": result.blocking_counts,
    }
    if run is not None:
        ResolutionRun.objects.filter(pk=run.pk).update(
            status=ResolutionRun.Status.DONE,
            finished_at=timezone.now(),
            progress=100,
            stage="done",
            records=summary["records"],
            pairs_scored=summary["pairs_scored"],
            pairs_for_review=stored,
            pairs_above_merge=above,
            clusters=cluster_count,
            auto_merged=auto_merged,
            parameters={
                "prior": result.parameters.match_prior,
                "m": [m.tolist() for m in result.parameters.m],
                "u": [u.tolist() for u in result.parameters.u],
                "blocking": result.blocking_counts,
            },
        )
    summary["result"] = result
    return summary


@transaction.atomic
def resolution_request(*, actor: Any) -> ResolutionRun:
    """Queue a full resolution; the task is enqueued only if this transaction commits."""
    from centric.identity.tasks import resolve_people

    running = ResolutionRun.objects.filter(
        status__in=[ResolutionRun.Status.QUEUED, ResolutionRun.Status.RUNNING]
    ).first()
    if running is not None:
        return running
    run = ResolutionRun.objects.create(
        requested_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    transaction.on_commit(lambda: resolve_people.enqueue(run.pk))
    return run
