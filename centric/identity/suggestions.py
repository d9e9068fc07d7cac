"""Duplicate suggestions for one record before it is saved ("this looks like …", with evidence).

Scores the would-be person against the few existing people that share a blocking key with it
(same phone, same email, same name start), using the parameters the last resolution run learnt
from this business's data (or, before any run, parameters estimated from a sample of it).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Q

from centric.core.normalise import try_normalise_email, try_normalise_phone
from centric.core.search import prefix_search
from centric.customers.models import Person
from centric.identity.matching import Matcher, RecordTable
from centric.identity.matching.model import Parameters, apply_rules
from centric.identity.matching.presets import people_settings, people_table
from centric.identity.models import IdentitySettings, ResolutionRun
from centric.identity.services.resolution import people_records

MAX_CANDIDATES = 50
SAMPLE_SIZE = 5_000
_cache: dict[str, Parameters] = {}
_lock = threading.Lock()


@dataclass
class Suggestion:
    person: Person
    probability: float
    evidence: list[dict]


def _parameters(matcher: Matcher) -> Parameters:
    run = (
        ResolutionRun.objects.filter(status=ResolutionRun.Status.DONE)
        .exclude(parameters={})
        .order_by("-finished_at", "-pk")
        .first()
    )
    key = f"run:{run.pk}" if run else "sample"
    with _lock:
        if key in _cache:
            return _cache[key]
    if run is not None and run.parameters.get("m"):
        parameters = Parameters(
            m=[np.asarray(m) for m in run.parameters["m"]],
            u=[np.asarray(u) for u in run.parameters["u"]],
            prior=run.parameters["prior"],
            global_prior=run.parameters["prior"],
        )
    else:
        sample = Person.objects.filter(merged_into__isnull=True).order_by("pk")[:SAMPLE_SIZE]
        result = matcher.fit_predict(
            people_table(people_records(Person.objects.filter(pk__in=sample.values("pk"))))
        )
        parameters = result.parameters
    with _lock:
        _cache[key] = parameters
    return parameters


def _candidates(user: Any, record: dict) -> list[Person]:
    visible = Person.objects.visible_to(user)
    rule = Q(pk__in=[])
    phones = [p for p in (try_normalise_phone(v) for v in record.get("phones") or []) if p]
    emails = [e for e in (try_normalise_email(v) for v in record.get("emails") or []) if e]
    if phones:
        rule |= Q(
            contact_points__kind__in=("phone", "whatsapp"),
            contact_points__value_normalized__in=phones,
        )
    if emails:
        rule |= Q(contact_points__kind="email", contact_points__value_normalized__in=emails)
    found = list(visible.filter(rule).distinct()[:MAX_CANDIDATES])
    last = (record.get("last_name") or "").strip()
    if last and len(found) < MAX_CANDIDATES:
        seen = {p.pk for p in found}
        by_name = prefix_search(visible, last).exclude(pk__in=seen)
        found += list(by_name[: MAX_CANDIDATES - len(found)])
    return found


def duplicate_suggestions(
    user: Any, record: dict, *, exclude_id: int | None = None
) -> list[Suggestion]:
    """People the record may duplicate, most likely first, at or above the review threshold."""
    candidates = [p for p in _candidates(user, record) if p.pk != exclude_id]
    if not candidates:
        return []
    settings = IdentitySettings.current()
    matcher = Matcher(
        people_settings(
            review_threshold=settings.review_threshold, merge_threshold=settings.merge_threshold
        )
    )
    matcher.parameters = _parameters(matcher)
    new = dict(record, id=0)
    new["phones"] = [p for p in (try_normalise_phone(v) for v in record.get("phones") or []) if p]
    new["emails"] = [e for e in (try_normalise_email(v) for v in record.get("emails") or []) if e]
    existing = people_records(Person.objects.filter(pk__in=[p.pk for p in candidates]))
    table: RecordTable = people_table([new, *existing])
    left = np.zeros(len(existing), dtype=np.int64)
    right = np.arange(1, len(existing) + 1, dtype=np.int64)
    levels = matcher.comparison_levels(table, left, right)
    weights = matcher.parameters.weights()
    per_level = np.zeros(levels.shape)
    for k in range(levels.shape[1]):
        per_level[:, k] = weights[k][levels[:, k]]
    # A family member is not a duplicate: the household rule applies here as in a resolution.
    close = matcher.close_first_names(table, left, right, levels)
    rule_weights, rule_reasons = apply_rules(matcher.settings, levels, per_level, close)
    prior = matcher.parameters.match_prior
    total = np.log2(prior / (1 - prior)) + per_level.sum(axis=1) + rule_weights.sum(axis=1)
    probability = 1.0 / (1.0 + np.power(2.0, -np.clip(total, -1000, 1000)))
    by_id = {p.pk: p for p in candidates}
    suggestions = []
    for index in np.argsort(-probability):
        if probability[index] < settings.review_threshold:
            break
        person = by_id[int(table.ids[right[index]])]
        evidence = []
        for k, comparison in enumerate(matcher.settings.comparisons):
            level = int(levels[index, k])
            if level:
                evidence.append(
                    {
                        "comparison": comparison.name,
                        "level": comparison.level_labels[level],
                        "weight": round(float(per_level[index, k]), 2),
                    }
                )
        for r, rule in enumerate(matcher.settings.rules):
            reason = int(rule_reasons[index, r])
            if reason >= 0 and rule_weights[index, r] != 0:
                evidence.append(
                    {
                        "comparison": rule.name,
                        "level": rule.when[reason][2],
                        "weight": round(float(rule_weights[index, r]), 2),
                    }
                )
        suggestions.append(
            Suggestion(person=person, probability=float(probability[index]), evidence=evidence)
        )
    return suggestions
