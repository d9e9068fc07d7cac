"""A new ticket without an assignee: the first matching `AssignmentRule` picks its team and,
by the rule's method, the member (`staff.assignment`: in turn or least loaded, never someone
away). No rule matches: the ticket stays with whoever made it."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from centric.staff.assignment import least_loaded, next_in_turn
from centric.tickets.choices import StatusKind
from centric.tickets.models import AssignmentRule, Ticket

OPEN_KINDS = [k for k in StatusKind.values if k not in (StatusKind.SOLVED, StatusKind.CLOSED)]


def _matches(rule: AssignmentRule, ticket: Ticket) -> bool:
    if rule.category_id and rule.category_id != ticket.category_id:
        return False
    if rule.channel and rule.channel != ticket.channel:
        return False
    if rule.keyword:
        words = f"{ticket.subject} {ticket.description}".casefold()
        if rule.keyword.casefold() not in words:
            return False
    return not rule.customer_tag or customer_has_tag(ticket, rule.customer_tag)


def customer_has_tag(ticket: Ticket, tag: str) -> bool:
    """Whether the ticket's person or organisation carries a tag (their tier: "VIP")."""
    customers = [c for c in (ticket.person, ticket.organisation) if c is not None]
    wanted = tag.casefold()
    return any(
        wanted in {name.casefold() for name in c.tags.values_list("name", flat=True)}
        for c in customers
    )


def _open_tickets(team_id: int) -> dict[int, int]:
    rows = (
        Ticket.objects.filter(team_id=team_id, status__kind__in=OPEN_KINDS, owner__isnull=False)
        .values("owner_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["owner_id"]: row["n"] for row in rows}


def assign(ticket: Ticket) -> tuple[Any, Any, AssignmentRule | None]:
    """(team, member or None, the rule) for a new ticket, or (None, None, None)."""
    for rule in AssignmentRule.objects.filter(is_active=True).select_related("team"):
        if not _matches(rule, ticket):
            continue
        rule = AssignmentRule.objects.select_for_update().get(pk=rule.pk)
        if rule.method == AssignmentRule.Method.TEAM:
            return rule.team, None, rule
        if rule.method == AssignmentRule.Method.LEAST_LOADED:
            member = least_loaded(rule.team_id, _open_tickets(rule.team_id))
        else:
            member = next_in_turn(rule.team_id, rule.last_assignee_id)
            if member is not None:
                rule.last_assignee = member
                rule.save(update_fields=["last_assignee"])
        return rule.team, member, rule
    return None, None, None
