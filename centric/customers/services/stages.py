"""Lifecycle stages (the settings page's writes): the path a customer takes, in order."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from centric.customers.models import LifecycleStage, Organisation, Person

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class StageCounts(TypedDict):
    """What `lifecycle_stages_with_counts` adds to each stage (the settings page shows it)."""

    people_count: int
    organisation_count: int


def lifecycle_stages_with_counts() -> list[WithAnnotations[LifecycleStage, StageCounts]]:
    """Every stage with how many people and organisations are in it (one grouped query each)."""
    # The stage foreign key points at `key` (to_field), which the stubs read as the stage's id.
    people = cast(
        "dict[str, int]",
        dict(
            Person.objects.values_list("lifecycle_stage")
            .annotate(n=Count("id"))
            .values_list("lifecycle_stage", "n")
        ),
    )
    organisations = cast(
        "dict[str, int]",
        dict(
            Organisation.objects.values_list("lifecycle_stage")
            .annotate(n=Count("id"))
            .values_list("lifecycle_stage", "n")
        ),
    )
    stages = cast(
        "list[WithAnnotations[LifecycleStage, StageCounts]]",
        list(LifecycleStage.objects.order_by("position", "key")),
    )
    for stage in stages:
        stage.people_count = people.get(stage.key, 0)
        stage.organisation_count = organisations.get(stage.key, 0)
    return stages


@transaction.atomic
def lifecycle_stage_create(
    *, key: str, label: str, counts_as_customer: bool = False
) -> LifecycleStage:
    key = slugify(key or label)[:40]
    if LifecycleStage.objects.filter(key=key).exists():
        raise ValidationError({"key": _("There is already a stage with this key.")})
    last = LifecycleStage.objects.aggregate(m=Max("position"))["m"]
    stage = LifecycleStage(
        key=key,
        label=(label or "").strip(),
        counts_as_customer=counts_as_customer,
        position=(last or 0) + 10,
    )
    stage.full_clean()
    stage.save()
    return stage


@transaction.atomic
def lifecycle_stage_update(
    *, stage: LifecycleStage, label: str, counts_as_customer: bool
) -> LifecycleStage:
    """Rename a stage or change whether it counts as a customer. Its key never changes."""
    stage.label = (label or "").strip()
    stage.counts_as_customer = counts_as_customer
    stage.full_clean()
    stage.save(update_fields=["label", "counts_as_customer"])
    return stage


@transaction.atomic
def lifecycle_stage_move(*, stage: LifecycleStage, direction: str) -> LifecycleStage:
    """Move a stage one place up or down; positions are renumbered 10, 20, 30…"""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a stage up or down."))
    stages = list(LifecycleStage.objects.select_for_update().order_by("position", "key"))
    index = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(stages):
        stages[index], stages[other] = stages[other], stages[index]
    for position, item in enumerate(stages, start=1):
        if item.position != position * 10:
            item.position = position * 10
            item.save(update_fields=["position"])
    return next(s for s in stages if s.pk == stage.pk)


@transaction.atomic
def lifecycle_stage_delete(*, stage: LifecycleStage) -> None:
    """Delete a stage nobody is in; a stage in use is refused (move its records first)."""
    in_use = (
        Person.objects.filter(lifecycle_stage=stage).count()
        + Organisation.objects.filter(lifecycle_stage=stage).count()
    )
    if in_use:
        raise ValidationError(
            _(
                "“%(stage)s” is in use by %(count)d records; move them to another stage "
                "before deleting it."
            )
            % {"stage": stage.label, "count": in_use}
        )
    stage.delete()
