"""The one write path of pipelines and deals (pages, API, demo and tests call these).

A deal enters a stage only when the stage's requirements are met (`check_requirements`); every
stage change is kept (`DealStageChange`) with the time spent in the stage before, and a stale
version is refused, so two sellers dragging one deal never lose a change silently.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.core.kit.services import (
    UNSET,
    bump_version,
    check_version,
    clean_custom_fields,
    default_ownership,
    delete_record,
    is_set,
    lock,
    save_record,
    set_given,
    set_tags,
)
from centric.sales.choices import StageOutcome
from centric.sales.models import Competitor, Deal, DealStageChange, LostReason, Pipeline, Stage
from centric.sales.requirements import is_met, requirable


@transaction.atomic
def pipeline_create(*, name: str, stages: list[dict[str, Any]], position: int = 0) -> Pipeline:
    """A pipeline with its stages, in the order given: each {"name", "probability",
    "outcome", "required_fields"}."""
    pipeline = Pipeline(name=name.strip(), position=position)
    pipeline.full_clean()
    pipeline.save()
    for index, spec in enumerate(stages):
        stage_add(pipeline=pipeline, position=index, **spec)
    return pipeline


def stage_add(
    *,
    pipeline: Pipeline,
    name: str,
    probability: int = 0,
    outcome: str = StageOutcome.OPEN,
    required_fields: list[str] | None = None,
    checklist: list[str] | None = None,
    position: int | None = None,
) -> Stage:
    if position is None:
        position = pipeline.stages.count()
    stage = Stage(
        pipeline=pipeline,
        name=name.strip(),
        probability=probability,
        outcome=outcome,
        required_fields=_requirable(required_fields),
        checklist=_checklist(checklist),
        position=position,
    )
    _check_stage_name(stage)
    stage.full_clean()
    stage.save()
    return stage


def _requirable(names: list[str] | None) -> list[str]:
    known = requirable()
    unknown = [f for f in names or [] if f not in known]
    if unknown:
        raise ValidationError(
            {
                "required_fields": _("A stage cannot require %(names)s.")
                % {"names": ", ".join(unknown)}
            }
        )
    return list(dict.fromkeys(names or []))


def _checklist(items: list[str] | None) -> list[str]:
    """Checklist items, trimmed, without blanks or repeats, each at most 100 characters."""
    cleaned = list(dict.fromkeys(item.strip() for item in items or [] if item and item.strip()))
    if any(len(item) > 100 for item in cleaned):
        raise ValidationError({"checklist": _("A checklist item is at most 100 characters.")})
    if len(cleaned) > 20:
        raise ValidationError({"checklist": _("A stage has at most 20 checklist items.")})
    return cleaned


def _check_stage_name(stage: Stage) -> None:
    if not stage.name:
        raise ValidationError({"name": _("Give the stage a name.")})
    clash = Stage.objects.filter(pipeline_id=stage.pipeline_id, name__iexact=stage.name)
    if clash.exclude(pk=stage.pk).exists():
        raise ValidationError({"name": _("This pipeline has a stage with this name already.")})


@transaction.atomic
def pipeline_update(
    pipeline: Pipeline,
    *,
    name: str = UNSET,
    is_active: bool = UNSET,
    position: int = UNSET,
) -> Pipeline:
    """Rename, reorder or retire (`is_active=False`) a pipeline; its deals and history stay."""
    pipeline = lock(Pipeline, pipeline.pk)
    set_given(pipeline, name=name, is_active=is_active, position=position)
    if Pipeline.objects.filter(name__iexact=pipeline.name).exclude(pk=pipeline.pk).exists():
        raise ValidationError({"name": _("A pipeline with this name exists already.")})
    pipeline.full_clean()
    pipeline.save()
    return pipeline


@transaction.atomic
def stage_update(
    stage: Stage,
    *,
    name: str = UNSET,
    probability: int = UNSET,
    required_fields: list[str] = UNSET,
    checklist: list[str] = UNSET,
    is_retired: bool = UNSET,
) -> Stage:
    """Rename a stage or change what it needs; retire it (never delete: history and reports keep
    naming it). A stage with open deals is retired only once they have moved on, and a pipeline
    keeps at least one open stage."""
    stage = lock(Stage, stage.pk)
    set_given(stage, name=name, probability=probability)
    if is_set(required_fields):
        stage.required_fields = _requirable(required_fields)
    if is_set(checklist):
        stage.checklist = _checklist(checklist)
    if is_set(is_retired) and is_retired and not stage.is_retired:
        waiting = stage.deals.filter(closed_at__isnull=True).count()
        if waiting:
            raise ValidationError(
                {
                    "is_retired": _(
                        "%(count)s open deals are in “%(stage)s”: move them to another stage first."
                    )
                    % {"count": waiting, "stage": stage.name}
                }
            )
        others = stage.pipeline.stages.filter(is_retired=False, outcome=StageOutcome.OPEN)
        if stage.outcome == StageOutcome.OPEN and not others.exclude(pk=stage.pk).exists():
            raise ValidationError({"is_retired": _("A pipeline keeps at least one open stage.")})
        stage.is_retired = True
    elif is_set(is_retired) and not is_retired:
        stage.is_retired = False
    _check_stage_name(stage)
    stage.full_clean()
    stage.save()
    return stage


@transaction.atomic
def stages_reorder(pipeline: Pipeline, *, stage_ids: list[int]) -> list[Stage]:
    """Put the pipeline's stages in the order given (every stage of it, once)."""
    stages = {stage.pk: stage for stage in pipeline.stages.select_for_update()}
    if sorted(stage_ids) != sorted(stages) or len(set(stage_ids)) != len(stage_ids):
        raise ValidationError({"stage_ids": _("Give every stage of this pipeline once.")})
    for position, pk in enumerate(stage_ids):
        stages[pk].position = position
    Stage.objects.bulk_update(stages.values(), ["position"])
    return [stages[pk] for pk in stage_ids]


def stage_move(stage: Stage, *, by: int) -> list[Stage]:
    """Move a stage up (`by=-1`) or down (`by=1`) among its pipeline's stages."""
    order = list(stage.pipeline.stages.order_by("position", "id").values_list("pk", flat=True))
    index = order.index(stage.pk)
    target = max(0, min(len(order) - 1, index + by))
    order.insert(target, order.pop(index))
    return stages_reorder(stage.pipeline, stage_ids=order)


def missing_requirements(deal: Deal, stage: Stage) -> dict[str, str]:
    """The stage's required fields the deal lacks, each with the message naming it; a lost
    deal also needs its reason, and the competitor when the reason names one."""
    missing = {}
    words = requirable()
    for name in stage.required_fields:
        if not is_met(deal, name):
            missing[name] = _("“%(stage)s” needs %(what)s.") % {
                "stage": stage.name,
                "what": words.get(name, name),
            }
    unticked = [item for item in stage.checklist if item not in (deal.checklist or [])]
    if unticked:
        missing["checklist"] = _("“%(stage)s” needs %(items)s ticked.") % {
            "stage": stage.name,
            "items": ", ".join(f"“{item}”" for item in unticked),
        }
    if stage.outcome == StageOutcome.LOST:
        if deal.lost_reason is None:
            missing["lost_reason"] = _("Say why the deal was lost.")
        elif deal.lost_reason.names_competitor and deal.competitor is None:
            missing["competitor"] = _("Say which competitor the deal was lost to.")
    return missing


def _check_lost_reason(deal: Deal, stage: Stage) -> None:
    """A reason and a competitor belong to a lost deal only."""
    if stage.outcome == StageOutcome.LOST:
        if deal.competitor is not None and not (
            deal.lost_reason is not None and deal.lost_reason.names_competitor
        ):
            raise ValidationError(
                {"competitor": _("Choose a lost reason that names a competitor first.")}
            )
        return
    if deal.lost_reason is not None or deal.competitor is not None:
        raise ValidationError({"lost_reason": _("A lost reason is for a deal in a lost stage.")})


def _check_stage(deal: Deal, stage: Stage) -> None:
    if stage.pipeline_id != deal.pipeline_id:
        raise ValidationError({"stage": _("This stage belongs to another pipeline.")})
    if stage.is_retired:
        raise ValidationError({"stage": _("This stage is retired; choose another one.")})
    missing = missing_requirements(deal, stage)
    if missing:
        raise ValidationError(missing)
    _check_lost_reason(deal, stage)


def checklist_items(pipeline: Pipeline) -> list[tuple[Stage, str]]:
    """Every checklist item of the pipeline's stages, in stage order."""
    return [
        (stage, item)
        for stage in pipeline.stages.filter(is_retired=False).order_by("position", "id")
        for item in stage.checklist
    ]


def _ticked(deal: Deal, items: list[str] | None) -> list[str]:
    """The ticked items, each one of its pipeline's checklist items."""
    cleaned = list(dict.fromkeys(item.strip() for item in items or [] if item and item.strip()))
    if not cleaned:
        return []
    known = {item for _stage, item in checklist_items(deal.pipeline)}
    unknown = [item for item in cleaned if item not in known]
    if unknown:
        raise ValidationError(
            {
                "checklist": _("%(items)s is not on this pipeline's checklists.")
                % {"items": ", ".join(f"“{item}”" for item in unknown)}
            }
        )
    return cleaned


def _enter(deal: Deal, stage: Stage, *, actor: Any, previous: Stage | None) -> DealStageChange:
    now = timezone.now()
    seconds = int((now - deal.stage_entered_at).total_seconds()) if previous else None
    deal.stage = stage
    deal.stage_entered_at = now
    deal.closed_at = now if stage.outcome != StageOutcome.OPEN else None
    return DealStageChange(
        deal=deal,
        from_stage=previous,
        to_stage=stage,
        changed_at=now,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        seconds_in_previous=max(seconds, 0) if seconds is not None else None,
    )


@transaction.atomic
def deal_create(
    *,
    actor: Any,
    title: str,
    pipeline: Pipeline,
    stage: Stage | None = None,
    amount: Decimal | None = None,
    currency: str = "NGN",
    expected_close_on: dt.date | None = None,
    person: Any = None,
    organisation: Any = None,
    next_step: str = "",
    checklist: list[str] | None = None,
    lost_reason: LostReason | None = None,
    competitor: Competitor | None = None,
    owner: Any = None,
    team: Any = None,
    external_id: str | None = None,
    custom_fields: dict[str, Any] | None = None,
    tags: list[str] | None = None,
) -> Deal:
    """A new deal, in `stage` or the pipeline's first open stage."""
    if stage is None:
        stage = pipeline.open_stages().first()
        if stage is None:
            raise ValidationError({"pipeline": _("This pipeline has no stages yet.")})
    deal = Deal(owner=owner, team=team, pipeline=pipeline, stage=stage)
    set_given(
        deal,
        title=title,
        amount=amount,
        currency=(currency or "NGN").upper(),
        expected_close_on=expected_close_on,
        person=person,
        organisation=organisation,
        next_step=next_step or "",
        lost_reason=lost_reason,
        competitor=competitor,
        external_id=external_id,
    )
    default_ownership(deal, actor)
    deal.checklist = _ticked(deal, checklist)
    deal.custom_fields = clean_custom_fields(deal, custom_fields)
    _check_stage(deal, stage)
    change = _enter(deal, stage, actor=actor, previous=None)
    save_record(deal, actor=actor)
    change.deal = deal
    change.save()
    set_tags(deal, tags)
    return deal


@transaction.atomic
def deal_update(
    deal: Deal,
    *,
    actor: Any,
    expected_version: int | None = None,
    title: str = UNSET,
    pipeline: Pipeline = UNSET,
    stage: Stage = UNSET,
    amount: Decimal | None = UNSET,
    currency: str = UNSET,
    expected_close_on: dt.date | None = UNSET,
    person: Any = UNSET,
    organisation: Any = UNSET,
    next_step: str = UNSET,
    checklist: list[str] = UNSET,
    lost_reason: LostReason | None = UNSET,
    competitor: Competitor | None = UNSET,
    owner: Any = UNSET,
    team: Any = UNSET,
    external_id: str | None = UNSET,
    custom_fields: dict[str, Any] | None = UNSET,
    tags: list[str] | None = UNSET,
) -> Deal:
    """Change a deal; a new stage (or pipeline) is entered only when its requirements are met,
    judged on the deal as it will be saved. Nothing is written when it is refused."""
    deal = lock(Deal, deal.pk)
    check_version(deal, expected_version)
    previous = deal.stage
    set_given(
        deal,
        title=title,
        pipeline=pipeline,
        amount=amount,
        currency=currency.upper() if is_set(currency) and currency else currency,
        expected_close_on=expected_close_on,
        person=person,
        organisation=organisation,
        next_step=next_step,
        lost_reason=lost_reason,
        competitor=competitor,
        owner=owner,
        team=team,
        external_id=external_id,
    )
    if target_reopens(deal, stage):
        # Reopened: the reasons it was lost no longer hold.
        deal.lost_reason = deal.competitor = None
    if is_set(checklist):
        deal.checklist = _ticked(deal, checklist)
    if is_set(custom_fields):
        deal.custom_fields = clean_custom_fields(deal, custom_fields, partial=True)
    target = stage if is_set(stage) and stage is not None else deal.stage
    if is_set(pipeline) and target.pipeline_id != deal.pipeline_id:
        first = deal.pipeline.open_stages().first()
        if first is None:
            raise ValidationError({"pipeline": _("This pipeline has no stages yet.")})
        target = first
    change = None
    if target.pk != previous.pk:
        _check_stage(deal, target)
        change = _enter(deal, target, actor=actor, previous=previous)
    else:
        # Staying put, a deal still keeps what its stage needs (an amount cannot be cleared).
        missing = missing_requirements(deal, target)
        if missing:
            raise ValidationError(missing)
        _check_lost_reason(deal, target)
    bump_version(deal)
    save_record(deal, actor=actor)
    if change is not None:
        change.save()
        _announce(deal, change)
    if is_set(tags):
        set_tags(deal, tags)
    return deal


def _announce(deal: Deal, change: DealStageChange) -> None:
    """The back office hears of a stage change (and a win) by webhook, after the commit."""
    from centric.webhooks.services import emit

    payload = {
        "deal": {
            "id": deal.pk,
            "title": deal.title,
            "amount": str(deal.amount) if deal.amount is not None else None,
            "currency": deal.currency,
            "pipeline": deal.pipeline.name,
            "stage": deal.stage.name,
            "outcome": deal.stage.outcome,
            "person_id": deal.person_id,
            "organisation_id": deal.organisation_id,
            "owner_id": deal.owner_id,
        },
        "from_stage": change.from_stage.name if change.from_stage else None,
        "changed_at": change.changed_at.isoformat(),
    }
    emit("deal.stage_changed", payload)
    if deal.stage.outcome == StageOutcome.WON:
        emit("deal.won", payload)


def target_reopens(deal: Deal, stage: Any) -> bool:
    """Whether the change moves a lost deal to a stage that is not lost."""
    return (
        is_set(stage)
        and stage is not None
        and deal.stage.outcome == StageOutcome.LOST
        and stage.outcome != StageOutcome.LOST
    )


def deal_move(
    deal: Deal,
    *,
    actor: Any,
    stage: Stage,
    expected_version: int | None = None,
    lost_reason: LostReason | None = UNSET,
    competitor: Competitor | None = UNSET,
) -> Deal:
    """Move a deal to another stage of its pipeline (the board's drag and drop); a lost stage
    takes the reason (and the competitor) with it."""
    return deal_update(
        deal,
        actor=actor,
        stage=stage,
        expected_version=expected_version,
        lost_reason=lost_reason,
        competitor=competitor,
    )


@transaction.atomic
def deal_delete(deal: Deal, *, actor: Any) -> None:
    delete_record(deal, actor=actor)
