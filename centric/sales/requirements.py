"""What a stage can require of a deal: its own fields (`choices.REQUIRABLE_FIELDS`), and
conditions other apps register ("an accepted quote", "an order"), since sales imports none of
them. Each condition is a label and a check of the deal as it would be saved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from centric.sales.choices import REQUIRABLE_FIELDS


@dataclass(frozen=True)
class Requirement:
    key: str
    label: Any
    met: Callable[[Any], bool]


_registered: dict[str, Requirement] = {}


def register_requirement(key: str, label: Any, met: Callable[[Any], bool]) -> None:
    _registered[key] = Requirement(key, label, met)


def _discovered() -> None:
    from centric.core.records import registry

    registry.autodiscover()  # the apps' records modules register their requirements


def requirable() -> dict[str, Any]:
    """Every requirement a stage may name, with the words a seller reads when it is missing."""
    _discovered()
    return {**REQUIRABLE_FIELDS, **{key: r.label for key, r in _registered.items()}}


def is_met(deal: Any, key: str) -> bool:
    _discovered()
    requirement = _registered.get(key)
    if requirement is not None:
        return deal.pk is not None and requirement.met(deal)
    return getattr(deal, key, None) not in (None, "")
