"""The lead score: the business's rules, in one place.

Attribute rules give their points while the lead is what they say; behaviour rules give theirs
for each time the lead did the thing, halving every `half_life_days` since (an old "opened the
price list" counts for less than yesterday's). The details say which rule gave what, so the
score is explained on the lead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from centric.leads.choices import KNOWN_BEHAVIOURS, SCORABLE_ATTRIBUTES, RuleKind
from centric.leads.models import Lead, LeadEvent, ScoringRule


@dataclass(frozen=True)
class ScoreLine:
    rule: str
    points: float
    why: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "points": round(self.points, 1), "why": self.why}


def _attribute_matches(lead: Lead, rule: ScoringRule) -> bool:
    value = (rule.value or "").strip().lower()
    match rule.attribute:
        case "source" | "territory" | "timeframe":
            return str(getattr(lead, rule.attribute) or "").strip().lower() == value
        case "decision_maker":
            return bool(lead.decision_maker)
        case "has_email":
            return bool(lead.email)
        case "has_phone":
            return bool(lead.phone)
        case "has_organisation":
            return bool(lead.organisation_name)
        case "budget_at_least":
            try:
                floor = Decimal(value)
            except InvalidOperation:
                return False
            return lead.budget is not None and lead.budget >= floor
    return False


def _attribute_words(rule: ScoringRule, lead: Lead) -> str:
    template = SCORABLE_ATTRIBUTES.get(rule.attribute)
    if template is None:
        return rule.name
    shown = rule.value
    if rule.attribute in ("source", "timeframe"):
        shown = str(getattr(lead, f"get_{rule.attribute}_display")())
    return str(template) % {"value": shown}


def decayed(points: int, age: dt.timedelta, half_life_days: int | None) -> float:
    if not half_life_days:
        return float(points)
    days = max(age.total_seconds(), 0) / 86_400
    return points * 0.5 ** (days / half_life_days)


def score_lines(
    lead: Lead,
    rules: Iterable[ScoringRule],
    events: Iterable[LeadEvent],
    *,
    now: dt.datetime | None = None,
) -> list[ScoreLine]:
    now = now or timezone.now()
    events = list(events)
    lines: list[ScoreLine] = []
    for rule in rules:
        if not rule.is_active:
            continue
        if rule.kind == RuleKind.ATTRIBUTE:
            if _attribute_matches(lead, rule):
                lines.append(ScoreLine(rule.name, float(rule.points), _attribute_words(rule, lead)))
            continue
        done = [event for event in events if event.key == rule.behaviour]
        if not done:
            continue
        points = sum(decayed(rule.points, now - e.occurred_at, rule.half_life_days) for e in done)
        label = str(KNOWN_BEHAVIOURS.get(rule.behaviour, rule.behaviour.replace("_", " ")))
        times = f" ×{len(done)}" if len(done) > 1 else ""
        lines.append(ScoreLine(rule.name, points, f"{label}{times}"))
    return lines


def total(lines: Iterable[ScoreLine]) -> int:
    return round(sum(line.points for line in lines))
