"""The review queue: staff decide whether two records are one customer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.core.errors import ApplicationError
from centric.core.visibility import has_model_permission
from centric.customers.models import Person
from centric.identity.models import BulkMerge, CandidatePair, Merge


class PairGoneError(ApplicationError):
    status_code = 409
    title = "Pair no longer applies"


DECISIONS = ("merge", "not_same")


@transaction.atomic
def pair_decide(
    *,
    actor: Any,
    pair: CandidatePair,
    decision: str,
    survivor_id: int | None = None,
    choices: dict[str, int] | None = None,
) -> Merge | None:
    """Merge the pair, or record "not the same" (never suggested again)."""
    from centric.identity.services.merge import people_merge

    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose merge or not the same.")})
    locked = CandidatePair.objects.select_for_update().filter(pk=pair.pk).first()
    if locked is None:
        raise PairGoneError(_("This suggestion no longer exists; the queue was refreshed."))
    pair = locked
    ids = [pair.person_low_id, pair.person_high_id]
    visible = (
        Person.objects.visible_to(actor, "change", include_merged=True).filter(pk__in=ids).count()
    )
    if visible != 2:
        raise PermissionDenied(_("You may not decide on records you cannot change."))
    if pair.status != CandidatePair.Status.PENDING:
        raise PairGoneError(
            _("Someone already decided on this pair (%(status)s).")
            % {"status": pair.get_status_display()}
        )
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    if len(people) != 2 or any(p.merged_into_id for p in people.values()):
        pair.status = CandidatePair.Status.STALE
        pair.save(update_fields=["status"])
        raise PairGoneError(
            _("One of these records was deleted or already merged; the suggestion was closed.")
        )
    if decision == "not_same":
        pair.status = CandidatePair.Status.NOT_SAME
        pair.decided_by = actor
        pair.decided_at = timezone.now()
        pair.save(update_fields=["status", "decided_by", "decided_at"])
        return None
    survivor_id = survivor_id or pair.person_low_id
    if survivor_id not in ids:
        raise ValidationError({"survivor": _("The survivor must be one of the two records.")})
    other_id = ids[1] if survivor_id == ids[0] else ids[0]
    return people_merge(
        actor=actor, survivor=people[survivor_id], others=[people[other_id]], choices=choices
    )


# ---------------------------------------------------------------- accepting groups in bulk

BULK_LIMIT = 5_000
"""Groups one action merges at most; the rest stay in the queue for the next action."""
INLINE_LIMIT = 20
"""Up to this many groups are merged in the request; more go to the worker, with progress."""


def _check_threshold(threshold: float) -> None:
    # Below even odds a pair is more likely two people: never merged in bulk.
    if not 0.5 <= threshold <= 1:
        raise ValidationError(
            {"threshold": _("Choose a confidence between 0.5 and 1 (for example 0.95).")}
        )


@transaction.atomic
def clusters_accept(*, actor: Any, threshold: float) -> BulkMerge:
    """Merge every group of the review queue whose every pair scored at least `threshold`, each
    group into its oldest record, in one transaction per group; undoable as one action.

    Only groups whose every record the actor may change are taken. The groups are fixed now
    (what the user confirmed), and merged now when there are few, else by the worker."""
    from centric.identity.selectors import clusters_to_accept
    from centric.identity.tasks import bulk_merge_process

    _check_threshold(threshold)
    if not has_model_permission(actor, Person, "change"):
        raise PermissionDenied(_("You may not merge records."))
    acceptance = clusters_to_accept(actor, threshold)
    if not acceptance.clusters:
        raise ValidationError(
            {
                "threshold": _(
                    "No group of possible duplicates has every pair at or above this confidence."
                )
            }
        )
    chosen = acceptance.clusters[:BULK_LIMIT]
    batch = BulkMerge.objects.create(
        threshold=threshold,
        requested_by=actor,
        plan=[{"people": c.person_ids, "pairs": c.pair_ids} for c in chosen],
        clusters_planned=len(chosen),
        records_planned=sum(len(c.person_ids) for c in chosen),
    )
    if len(chosen) <= INLINE_LIMIT:
        # Each group is a savepoint of this transaction: one that fails is skipped alone.
        bulk_merge_run(batch_id=batch.pk)
        batch.refresh_from_db()
    else:
        transaction.on_commit(lambda: bulk_merge_process.enqueue(batch.pk))
    return batch


def _skip(batch: BulkMerge, entry: dict[str, Any]) -> None:
    batch.skipped = [*batch.skipped, entry]


def _merge_group(batch: BulkMerge, index: int, group: dict[str, list[int]]) -> None:
    """Merge one planned group (or record why not) and count it, in one transaction."""
    from centric.identity.services.merge import MergeError, people_merge

    with transaction.atomic():
        locked = BulkMerge.objects.select_for_update().get(pk=batch.pk)
        if locked.clusters_done > index:
            return  # handled by an earlier attempt of this task
        reason = ""
        pairs = list(CandidatePair.objects.filter(pk__in=group["pairs"]))
        if len(pairs) != len(group["pairs"]) or any(
            p.status != CandidatePair.Status.PENDING or p.probability < locked.threshold
            for p in pairs
        ):
            reason = _(
                "The review queue changed since: a pair of this group was decided or rescored."
            )
        people = sorted(
            Person.objects.filter(pk__in=group["people"]), key=lambda p: (p.created_at, p.pk)
        )
        if not reason and len(people) != len(group["people"]):
            reason = _("A record of this group was deleted.")
        if not reason:
            try:
                with transaction.atomic():
                    people_merge(
                        actor=locked.requested_by,
                        survivor=people[0],
                        others=people[1:],
                        bulk=locked,
                    )
            except (MergeError, PermissionDenied, ValidationError) as error:
                reason = getattr(error, "message", None) or "; ".join(
                    getattr(error, "messages", [str(error)])
                )
        locked.clusters_done = index + 1
        if reason:
            _skip(locked, {"people": group["people"], "reason": str(reason)})
        else:
            locked.clusters_merged += 1
            locked.records_merged += len(people) - 1
        locked.save(update_fields=["clusters_done", "clusters_merged", "records_merged", "skipped"])


def bulk_merge_run(*, batch_id: int) -> BulkMerge | None:
    """Merge the planned groups one transaction each, counting progress as it goes. Safe to
    retry: a group already handled is not handled again."""
    batch = BulkMerge.objects.filter(pk=batch_id).first()
    if batch is None or batch.status not in (BulkMerge.Status.QUEUED, BulkMerge.Status.RUNNING):
        return batch
    BulkMerge.objects.filter(pk=batch_id).update(status=BulkMerge.Status.RUNNING)
    if batch.requested_by is None:
        BulkMerge.objects.filter(pk=batch_id).update(
            status=BulkMerge.Status.FAILED,
            error=_("The person who asked for these merges no longer has an account."),
            finished_at=timezone.now(),
        )
        return BulkMerge.objects.get(pk=batch_id)
    for index, group in enumerate(batch.plan):
        if index < batch.clusters_done:
            continue
        _merge_group(batch, index, group)
    BulkMerge.objects.filter(pk=batch_id).update(
        status=BulkMerge.Status.DONE, finished_at=timezone.now()
    )
    return BulkMerge.objects.get(pk=batch_id)


@transaction.atomic
def bulk_merge_undo(*, actor: Any, batch: BulkMerge) -> BulkMerge:
    """Undo every merge the action made (newest first): now for a few, else by the worker."""
    from centric.identity.services.merge import MergeError
    from centric.identity.tasks import bulk_merge_process

    if not has_model_permission(actor, Person, "change"):
        raise PermissionDenied(_("You may not undo merges."))
    batch = BulkMerge.objects.select_for_update().get(pk=batch.pk)
    if batch.status in (BulkMerge.Status.UNDO_QUEUED, BulkMerge.Status.UNDOING):
        return batch
    if batch.status == BulkMerge.Status.UNDONE:
        raise MergeError(_("These merges were already undone."))
    if batch.status not in (BulkMerge.Status.DONE, BulkMerge.Status.FAILED):
        raise MergeError(_("These merges are still running; undo them when they finish."))
    batch.status = BulkMerge.Status.UNDO_QUEUED
    batch.undone_by = actor
    batch.merges_undone = 0
    batch.save(update_fields=["status", "undone_by", "merges_undone"])
    if batch.merges.filter(undone_at__isnull=True).count() <= INLINE_LIMIT:
        bulk_merge_undo_run(batch_id=batch.pk)
        batch.refresh_from_db()
    else:
        transaction.on_commit(lambda: bulk_merge_process.enqueue(batch.pk))
    return batch


def bulk_merge_undo_run(*, batch_id: int) -> BulkMerge | None:
    """Undo each merge of the action in its own transaction; one that cannot be undone (the
    survivor was merged again since) is listed and the others are still undone."""
    from centric.identity.services.merge import MergeError, merge_undo

    batch = BulkMerge.objects.filter(pk=batch_id).first()
    if batch is None or batch.status not in (
        BulkMerge.Status.UNDO_QUEUED,
        BulkMerge.Status.UNDOING,
    ):
        return batch
    BulkMerge.objects.filter(pk=batch_id).update(status=BulkMerge.Status.UNDOING)
    actor = batch.undone_by
    for merge in batch.merges.filter(undone_at__isnull=True).order_by("-merged_at", "-id"):
        with transaction.atomic():
            locked = BulkMerge.objects.select_for_update().get(pk=batch_id)
            try:
                with transaction.atomic():
                    merge_undo(actor=actor, merge=merge)
            except (MergeError, PermissionDenied) as error:
                _skip(
                    locked,
                    {
                        "merge": merge.pk,
                        "people": [merge.survivor_id, *merge.merged_ids],
                        "reason": str(getattr(error, "message", None) or error),
                    },
                )
            locked.merges_undone += 1
            locked.save(update_fields=["merges_undone", "skipped"])
    BulkMerge.objects.filter(pk=batch_id).update(
        status=BulkMerge.Status.UNDONE, undone_at=timezone.now()
    )
    return BulkMerge.objects.get(pk=batch_id)
