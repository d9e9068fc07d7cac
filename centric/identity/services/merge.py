"""Merging people into one golden record, and undoing a merge exactly.

Every row that points at a merged person (contact points, consents, memberships, interactions
and, later, deals, tickets, campaign sends — found through the model graph, not a fixed list)
moves to the survivor in one transaction, and so do the timeline's links to the person, which
name it by content type and id rather than by a foreign key (decision 0038). The merge keeps a
snapshot of what it changed, so `merge_undo` restores the original records and their links.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centric.core.audit import audit
from centric.core.errors import ApplicationError
from centric.core.models import AuditEvent
from centric.core.normalise import fold_text
from centric.customers.models import Consent, ContactPoint, LifecycleStage, Membership, Person
from centric.customers.services import refresh_primary_contacts
from centric.customers.services.people import person_search_name
from centric.identity.models import BulkMerge, CandidatePair, IdentitySettings, Merge
from centric.identity.selectors import LOST_STAGES
from centric.interactions.services import interaction_links_repoint, interaction_links_restore

GOLDEN_FIELDS = [
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "gender",
    "preferred_language",
    "external_id",
    "owner",
    "team",
    "lifecycle_stage",
    "source",
    "campaign",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "lost_at",
    "lost_to",
]
SKIPPED_RELATIONS: set[tuple[str, str | None]] = {
    ("customers", "person"),
    ("identity", "merge"),
    ("identity", "candidatepair"),
}


class MergeError(ApplicationError):
    status_code = 409
    title = "Cannot merge"


@dataclass
class GoldenField:
    field: str
    value: Any
    source_id: int
    rule: str
    options: list[tuple[int, Any]]


def _attname(field: str) -> str:
    # The golden fields are concrete fields, never a reverse relation.
    return cast("models.Field[Any, Any]", Person._meta.get_field(field)).attname


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _pick(field: str, people: list[Person], rule: str, settings: IdentitySettings) -> Person:
    candidates = [p for p in people if not _is_empty(getattr(p, _attname(field)))] or people[:1]
    if rule == IdentitySettings.Survivorship.MOST_COMPLETE:
        return max(candidates, key=lambda p: (len(str(getattr(p, _attname(field)))), p.updated_at))
    if rule == IdentitySettings.Survivorship.OLDEST:
        return min(candidates, key=lambda p: (p.created_at, p.pk))
    if rule == IdentitySettings.Survivorship.TRUSTED_SOURCE:
        order = {
            source.lower(): index for index, source in enumerate(settings.trusted_sources or [])
        }
        return min(
            candidates,
            key=lambda p: (
                order.get((p.source or "").lower(), len(order)),
                -p.updated_at.timestamp(),
            ),
        )
    return max(candidates, key=lambda p: (p.updated_at, p.pk))


RULE_LABELS: dict[str, Any] = {
    "agreement": gettext_lazy("Most records agree"),
    "staff_confirmed": gettext_lazy("Most recently confirmed by staff"),
    "fuller_variant": gettext_lazy("The fuller spelling (the other is a shortened form)"),
    "survivor": gettext_lazy("The surviving record's"),
    "most_advanced_stage": gettext_lazy("The most advanced stage"),
    "most_recent_stage": gettext_lazy("The most recent stage (one record was lost)"),
    "manual": gettext_lazy("Your choice"),
}


def rule_label(rule: str) -> str:
    """What a golden value's rule is called on the merge form."""
    labels = {**dict(IdentitySettings.Survivorship.choices), **RULE_LABELS}
    return str(labels.get(rule, rule))


@dataclass
class FieldHistory:
    """When each record's value of each golden field was last set, and whether by staff.

    `staff_at[(pk, attname)]`: when a member of staff last set the value the record holds now
    (typed it, or chose it in a merge); absent when the value was last written by an import, an
    automatic merge or a system job. `changed_at[(pk, attname)]`: when it was last set by anyone.
    """

    staff_at: dict[tuple[int, str], dt.datetime]
    changed_at: dict[tuple[int, str], dt.datetime]


def _field_history(people: list[Person]) -> FieldHistory:
    attnames = [_attname(field) for field in GOLDEN_FIELDS]
    rows = (
        Person.history.filter(id__in=[p.pk for p in people])
        .order_by("id", "history_date", "history_id")
        .values("id", "history_date", "history_user_id", "history_change_reason", *attnames)
    )
    staff_at: dict[tuple[int, str], dt.datetime] = {}
    changed_at: dict[tuple[int, str], dt.datetime] = {}
    previous: dict[str, Any] | None = None
    for row in rows:
        if previous is None or previous["id"] != row["id"]:
            previous = None
        # Imports name themselves in the change reason ("Import #12"); a person's edit has none.
        by_staff = row["history_user_id"] is not None and not row["history_change_reason"]
        for attname in attnames:
            if previous is not None and previous[attname] == row[attname]:
                continue
            key = (row["id"], attname)
            changed_at[key] = row["history_date"]
            if by_staff:
                staff_at[key] = row["history_date"]
            else:
                staff_at.pop(key, None)
        previous = row
    return FieldHistory(staff_at=staff_at, changed_at=changed_at)


def _comparable(value: Any) -> Any:
    return fold_text(value) if isinstance(value, str) else value


def _pick_value(
    field: str,
    people: list[Person],
    rule: str,
    settings: IdentitySettings,
    history: FieldHistory,
) -> tuple[Person, str]:
    """The record whose value of `field` survives, and the rule that decided.

    The value most records hold (compared without case, accents or extra spaces) wins; on a tie,
    the one a member of staff confirmed most recently; then a value another one extends
    ("Chined" against "Chinedu") gives way; then the business's survivorship rule.
    """
    attname = _attname(field)
    candidates = [p for p in people if not _is_empty(getattr(p, attname))]
    if not candidates:
        return people[0], rule
    groups: dict[Any, list[Person]] = {}
    for person in candidates:
        groups.setdefault(_comparable(getattr(person, attname)), []).append(person)
    most = max(len(members) for members in groups.values())
    tied = {key: members for key, members in groups.items() if len(members) == most}
    decided = "agreement" if len(tied) == 1 else ""

    def confirmed(members: list[Person]) -> dt.datetime | None:
        moments = [history.staff_at.get((p.pk, attname)) for p in members]
        return max((m for m in moments if m is not None), default=None)

    if not decided:
        moments = {key: confirmed(members) for key, members in tied.items()}
        latest = max((m for m in moments.values() if m is not None), default=None)
        if latest is not None:
            tied = {key: tied[key] for key, moment in moments.items() if moment == latest}
            decided = "staff_confirmed"
    if not decided and all(isinstance(key, str) for key in tied):
        fuller = {
            key: members
            for key, members in tied.items()
            if not any(other != key and other.startswith(key) for other in tied)
        }
        if len(fuller) < len(tied):
            tied = fuller
            decided = "fuller_variant" if len(fuller) == 1 else ""
    members = [p for group in tied.values() for p in group]
    if decided:
        return _best_written(members, attname, history), decided
    return _pick(field, members, rule, settings), rule


def _best_written(members: list[Person], attname: str, history: FieldHistory) -> Person:
    """Of records holding one value written differently ("Chinedu", "chinedu "), the form most
    of them write, then one not all in one case, then the one staff confirmed last."""
    written = [str(getattr(p, attname)).strip() for p in members]

    def rank(index: int) -> tuple[Any, ...]:
        person, form = members[index], written[index]
        cased = (
            not (form.islower() or form.isupper())
            if isinstance(getattr(person, attname), str)
            else True
        )
        confirmed = history.staff_at.get((person.pk, attname))
        return (written.count(form), cased, confirmed is not None, confirmed or person.updated_at)

    return members[max(range(len(members)), key=rank)]


def _pick_stage(people: list[Person], history: FieldHistory) -> tuple[Person, str]:
    """The most advanced stage; but when a record was lost or churned, the most recent stage
    (the customer came back, or left: either is the latest news)."""
    attname = _attname("lifecycle_stage")
    candidates = [p for p in people if getattr(p, attname)]
    if not candidates:
        return people[0], "most_advanced_stage"
    if any(getattr(p, attname) in LOST_STAGES for p in candidates):

        def set_at(person: Person) -> tuple[dt.datetime, int]:
            return history.changed_at.get((person.pk, attname), person.updated_at), person.pk

        return max(candidates, key=set_at), "most_recent_stage"
    positions = dict(
        LifecycleStage.objects.filter(
            key__in={getattr(p, attname) for p in candidates}
        ).values_list("key", "position")
    )
    return (
        max(
            candidates,
            key=lambda p: (positions.get(getattr(p, attname), -1), -people.index(p)),
        ),
        "most_advanced_stage",
    )


def _pick_external_id(survivor: Person, others: list[Person]) -> Person:
    """The survivor's id in the other system; if it has none, the oldest other record's."""
    if survivor.external_id:
        return survivor
    holders = [p for p in others if p.external_id]
    return min(holders, key=lambda p: (p.created_at, p.pk)) if holders else survivor


def golden_record(
    *, survivor: Person, others: list[Person], choices: dict[str, int] | None = None
) -> list[GoldenField]:
    """The surviving values, field by field: a manual pick, else the value most records agree
    on, then the one staff confirmed most recently, never a shortened variant of another; the
    survivor's external id; the most advanced (or, after a loss, the most recent) stage."""
    settings = IdentitySettings.current()
    people = [survivor, *others]
    by_id = {p.pk: p for p in people}
    history = _field_history(people)
    result = []
    for field in GOLDEN_FIELDS:
        attname = _attname(field)
        rule = settings.field_survivorship.get(field, settings.default_survivorship)
        if choices and field in choices:
            chosen_id = int(choices[field])
            if chosen_id not in by_id:
                raise ValidationError({field: _("Pick one of the records being merged.")})
            source, rule = by_id[chosen_id], "manual"
        elif field == "external_id":
            source = _pick_external_id(survivor, others)
            rule = "survivor"
        elif field == "lifecycle_stage":
            source, rule = _pick_stage(people, history)
        else:
            source, rule = _pick_value(field, people, rule, settings, history)
        options = [(p.pk, getattr(p, attname)) for p in people]
        result.append(
            GoldenField(
                field=field,
                value=getattr(source, attname),
                source_id=source.pk,
                rule=rule,
                options=options,
            )
        )
    return result


def _serialise(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _deserialise(person: Person, attname: str, value: Any) -> Any:
    field = next(f for f in Person._meta.concrete_fields if f.attname == attname)
    if (
        value is not None
        and isinstance(field, models.DateField)
        and not isinstance(field, models.DateTimeField)
    ):
        return dt.date.fromisoformat(value)
    return value


def _lock(ids: list[int]) -> dict[int, Person]:
    people = {
        p.pk: p
        for p in Person.objects.select_for_update().filter(pk__in=sorted(ids)).order_by("pk")
    }
    return people


def _check_access(actor: Any, ids: list[int]) -> None:
    visible = (
        Person.objects.visible_to(actor, "change", include_merged=True).filter(pk__in=ids).count()
    )
    if visible != len(set(ids)):
        raise PermissionDenied(_("You may not merge records you cannot change."))


def _relations() -> list[models.ForeignObjectRel]:
    return [
        rel
        for rel in Person._meta.related_objects
        if rel.one_to_many
        and (_related_model(rel)._meta.app_label, _related_model(rel)._meta.model_name)
        not in SKIPPED_RELATIONS
    ]


def _related_model(rel: models.ForeignObjectRel) -> type[models.Model]:
    """The model holding the foreign key (django-stubs also allow "self", which a reverse
    relation of a loaded model never is)."""
    return cast("type[models.Model]", rel.related_model)


@transaction.atomic
def people_merge(
    *,
    actor: Any,
    survivor: Person,
    others: list[Person],
    choices: dict[str, int] | None = None,
    automatic: bool = False,
    bulk: BulkMerge | None = None,
) -> Merge:
    """Merge `others` into `survivor` in one transaction (row locks taken in id order)."""
    other_ids = sorted({p.pk for p in others} - {survivor.pk})
    if not other_ids:
        raise ValidationError({"others": _("Choose at least one other record to merge.")})
    ids = [survivor.pk, *other_ids]
    if not automatic:
        _check_access(actor, ids)
    locked = _lock(ids)
    missing = [pk for pk in ids if pk not in locked]
    if missing:
        raise MergeError(
            _("A record in this merge no longer exists (it may have been deleted)."),
            extra={"missing": missing},
        )
    already = [pk for pk in ids if locked[pk].merged_into_id is not None]
    if already:
        raise MergeError(
            _("A record in this merge was already merged into another; reload and try again."),
            extra={"merged": already},
        )
    survivor = locked[survivor.pk]
    losers = [locked[pk] for pk in other_ids]
    golden = golden_record(survivor=survivor, others=losers, choices=choices)

    snapshot: dict[str, Any] = {
        "survivor": {
            f.attname: _serialise(getattr(survivor, f.attname))
            for f in Person._meta.concrete_fields
            if f.attname
            in {_attname(g) for g in GOLDEN_FIELDS}
            | {"custom_fields", "version", "needs_attention"}
        },
        "survivor_tags": sorted(survivor.tags.values_list("pk", flat=True)),
        "losers": {str(p.pk): {"external_id": p.external_id} for p in losers},
        "moved": {},
        "consents": {},
        "pairs": {},
    }

    # Golden values; a unique external id moving to the survivor leaves the loser's row.
    for item in golden:
        attname = _attname(item.field)
        if item.field == "external_id" and item.source_id != survivor.pk and item.value:
            Person.objects.filter(pk=item.source_id).update(external_id=None)
        setattr(survivor, attname, item.value)
    merged_custom: dict[str, Any] = {}
    for person in sorted([survivor, *losers], key=lambda p: p.updated_at):
        merged_custom.update(person.custom_fields or {})
    survivor.custom_fields = merged_custom
    survivor.needs_attention = _merged_attention(survivor, losers)

    # Move every row that points at a loser.
    survivor_points = set(survivor.contact_points.values_list("kind", "value_normalized"))
    survivor_purposes = {c.purpose: c for c in survivor.consents.all()}
    survivor_organisations = set(survivor.memberships.values_list("organisation_id", flat=True))
    for rel in _relations():
        model, field = _related_model(rel), rel.field.attname
        rows = list(
            model._default_manager.filter(**{f"{field}__in": other_ids}).values(
                "pk", field, *_extra_values(model)
            )
        )
        moving: list[list[int]] = []
        for row in rows:
            if model is ContactPoint:
                key = (row["kind"], row["value_normalized"])
                if key in survivor_points:
                    continue
                survivor_points.add(key)
            elif model is Membership:
                if row["organisation_id"] in survivor_organisations:
                    continue
                survivor_organisations.add(row["organisation_id"])
            elif model is Consent:
                if row["purpose"] in survivor_purposes:
                    _maybe_take_newer_consent(
                        survivor_purposes[row["purpose"]], row["pk"], snapshot
                    )
                    continue
                survivor_purposes[row["purpose"]] = None
            moving.append([row["pk"], row[field]])
        if moving:
            model._default_manager.filter(pk__in=[pk for pk, _ in moving]).update(
                **{field: survivor.pk}
            )
            snapshot["moved"][f"{model._meta.label_lower}:{field}"] = moving
    snapshot["links"] = interaction_links_repoint(
        model=Person, from_ids=other_ids, to_id=survivor.pk
    )

    tag_ids = set(snapshot["survivor_tags"])
    for loser in losers:
        tag_ids |= set(loser.tags.values_list("pk", flat=True))
    survivor.tags.set(sorted(tag_ids))

    survivor.search_name = person_search_name(survivor)
    survivor.version += 1
    survivor._history_user = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]  # read by simple-history
    survivor.full_clean(validate_constraints=False)
    survivor.save()
    for loser in losers:
        loser.merged_into = survivor
        loser._history_user = survivor._history_user  # type: ignore[attr-defined]  # read by simple-history
        loser.save(update_fields=["merged_into", "updated_at"])
    refresh_primary_contacts(survivor)

    group = set(ids)
    for pair in CandidatePair.objects.select_for_update().filter(
        models.Q(person_low_id__in=ids) | models.Q(person_high_id__in=ids),
        status=CandidatePair.Status.PENDING,
    ):
        snapshot["pairs"][str(pair.pk)] = pair.status
        inside = pair.person_low_id in group and pair.person_high_id in group
        pair.status = CandidatePair.Status.MERGED if inside else CandidatePair.Status.STALE
        pair.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        pair.decided_at = timezone.now()
        pair.save(update_fields=["status", "decided_by", "decided_at"])

    audit(
        AuditEvent.Kind.MERGE,
        actor=actor,
        detail={"survivor": survivor.pk, "merged": other_ids, "automatic": automatic},
    )
    return Merge.objects.create(
        survivor=survivor,
        merged_ids=other_ids,
        snapshot=snapshot,
        golden_choices={item.field: item.source_id for item in golden},
        merged_by=actor if getattr(actor, "is_authenticated", False) else None,
        is_automatic=automatic,
        bulk=bulk,
    )


def _merged_attention(survivor: Person, losers: list[Person]) -> list[dict[str, Any]] | None:
    """What needs attention on any of the merged records, once each: a value an import kept as
    typed on a merged-away record is the customer's too; a missing name only while the
    survivor has none (decision 0055)."""
    named = bool(survivor.first_name or survivor.middle_name or survivor.last_name)
    items: list[dict[str, Any]] = []
    seen: set[tuple[Any, Any]] = set()
    for person in (survivor, *losers):
        for item in person.needs_attention or []:
            key = (item.get("field"), item.get("value"))
            if (item.get("field") == "name" and named) or key in seen:
                continue
            seen.add(key)
            items.append(item)
    return items or None


def _extra_values(model: type[models.Model]) -> tuple[str, ...]:
    if model is ContactPoint:
        return ("kind", "value_normalized")
    if model is Membership:
        return ("organisation_id",)
    if model is Consent:
        return ("purpose",)
    return ()


CONSENT_FIELDS = ("status", "recorded_at", "method", "ip_address", "text_shown", "recorded_by_id")


def _maybe_take_newer_consent(
    current: Consent | None, other_pk: int, snapshot: dict[str, Any]
) -> None:
    """Both records answered for one purpose: the newer answer is the person's answer."""
    if current is None:
        return
    other = Consent.objects.get(pk=other_pk)
    if other.recorded_at <= current.recorded_at:
        return
    snapshot["consents"][str(current.pk)] = {
        f: _serialise(getattr(current, f)) for f in CONSENT_FIELDS
    }
    for field in CONSENT_FIELDS:
        setattr(current, field, getattr(other, field))
    current.save()


@transaction.atomic
def merge_undo(*, actor: Any, merge: Merge) -> Person:
    """Restore the merged records, their links and the survivor's own values exactly."""
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise MergeError(_("This merge was already undone."))
    ids = [merge.survivor_id, *merge.merged_ids]
    _check_access(actor, ids)
    locked = _lock(ids)
    survivor = locked[merge.survivor_id]
    if survivor.merged_into_id is not None:
        raise MergeError(_("The surviving record was merged again since; undo that merge first."))
    later = Merge.objects.filter(
        survivor=survivor, undone_at__isnull=True, merged_at__gt=merge.merged_at
    ).exists()
    if later:
        raise MergeError(_("A later merge into this record must be undone first."))
    snapshot = merge.snapshot

    for key, moves in snapshot["moved"].items():
        label, field = key.split(":")
        app_label, model_name = label.split(".")
        from django.apps import apps

        model = apps.get_model(app_label, model_name)
        by_original: dict[int, list[int]] = {}
        for pk, original in moves:
            by_original.setdefault(original, []).append(pk)
        for original, pks in by_original.items():
            model.objects.filter(pk__in=pks).update(**{field: original})
    for consent_pk, values in snapshot["consents"].items():
        consent = Consent.objects.get(pk=int(consent_pk))
        for field, value in values.items():
            setattr(
                consent,
                field,
                dt.datetime.fromisoformat(value) if field == "recorded_at" else value,
            )
        consent.save()
    # Merges from before the timeline's links were re-pointed have no "links".
    interaction_links_restore(model=Person, to_id=survivor.pk, changes=snapshot.get("links", {}))

    for attname, value in snapshot["survivor"].items():
        setattr(survivor, attname, _deserialise(survivor, attname, value))
    survivor.tags.set(snapshot["survivor_tags"])
    survivor.search_name = person_search_name(survivor)
    survivor.version = max(survivor.version, int(snapshot["survivor"].get("version", 1))) + 1
    survivor._history_user = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]  # read by simple-history
    for loser_id, values in snapshot["losers"].items():
        loser = locked[int(loser_id)]
        loser.merged_into = None
        loser.external_id = values["external_id"]
        loser._history_user = survivor._history_user  # type: ignore[attr-defined]  # read by simple-history
    # The survivor gives back any external id first, so the unique constraint holds.
    survivor_external = survivor.external_id
    survivor.external_id = None
    Person.objects.filter(pk=survivor.pk).update(external_id=None)
    for loser_id in snapshot["losers"]:
        locked[int(loser_id)].save()
    survivor.external_id = survivor_external
    survivor.save()
    refresh_primary_contacts(survivor)
    for loser_id in snapshot["losers"]:
        refresh_primary_contacts(locked[int(loser_id)])

    for pair_pk, status in snapshot["pairs"].items():
        CandidatePair.objects.filter(pk=int(pair_pk)).update(
            status=status, decided_by=None, decided_at=None
        )

    audit(
        AuditEvent.Kind.UNMERGE,
        actor=actor,
        detail={"merge": merge.pk, "survivor": survivor.pk, "restored": merge.merged_ids},
    )
    merge.undone_at = timezone.now()
    merge.undone_by = actor if getattr(actor, "is_authenticated", False) else None
    merge.save(update_fields=["undone_at", "undone_by"])
    return survivor
