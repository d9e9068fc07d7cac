"""The review queue: staff decide whether two records are one customer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.core.errors import ApplicationError
from centric.customers.models import Person
from centric.identity.models import CandidatePair, Merge


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
