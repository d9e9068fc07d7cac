"""The one write path of goodwill actions (pages, API, demo and tests call these).

An action within the agent's allowance is given at once; above it, it waits and the approvers
are notified; only an approver (the `approve_goodwillaction` permission, never the agent who
asked) can approve or decline it. The status is never taken from input, so no page or API call
can give goodwill above a limit."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centric.core.kit.services import (
    UNSET,
    bump_version,
    check_version,
    default_ownership,
    delete_record,
    is_set,
    lock,
    save_record,
    set_given,
    set_tags,
)
from centric.goodwill.limits import allowance
from centric.goodwill.models import GoodwillAction, Kind, Status

APPROVE = "goodwill.approve_goodwillaction"
MAX_AMOUNT = Decimal("1000000000")


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": _("Give the value as a number, e.g. 15000.")}) from None
    if not Decimal(0) < amount <= MAX_AMOUNT:
        raise ValidationError({"amount": _("The value must be more than 0.")})
    return amount


def _check(action: GoodwillAction, actor: Any) -> None:
    if action.kind not in Kind.values:
        raise ValidationError({"kind": _("Choose what is given.")})
    if action.person is None and action.organisation is None:
        if action.ticket is not None:
            action.person, action.organisation = action.ticket.person, action.ticket.organisation
        if action.person is None and action.organisation is None:
            raise ValidationError(
                {"person": _("Say who is given it: a person or an organisation.")}
            )
    if action.ticket is not None:
        from centric.tickets.models import Ticket

        if not Ticket.objects.visible_to(actor).filter(pk=action.ticket.pk).exists():
            raise ValidationError({"ticket": _("Choose a ticket you may see.")})
    if not action.reason.is_active and action.reason_id != getattr(action, "_reason_read", None):
        raise ValidationError({"reason": _("This reason is retired; choose another.")})


def _decide(action: GoodwillAction, agent: Any) -> None:
    """Given at once within the agent's allowance; else it waits for an approver."""
    allowed = allowance(agent, action.kind, exclude_pk=action.pk)
    if allowed.covers(action.amount):
        action.status, action.limit_note = Status.GRANTED, ""
        action.given_at = timezone.now()
        return
    action.status, action.given_at = Status.PENDING, None
    if not allowed.role:
        why = _("No limit is set for your roles: every goodwill action is approved.")
    elif action.amount > allowed.per_action:
        why = _("Above the %(limit)s per action of %(role)s.") % {
            "limit": f"{action.currency} {allowed.per_action:,.2f}",
            "role": allowed.role,
        }
    else:
        why = _("Above what is left of %(role)s's %(limit)s %(period)s: %(left)s.") % {
            "role": allowed.role,
            "limit": f"{action.currency} {allowed.per_period:,.2f}",
            "period": allowed.period,
            "left": f"{action.currency} {allowed.left:,.2f}",
        }
    action.limit_note = why[:300]


def approvers_of(action: GoodwillAction) -> list[Any]:
    """Who may answer: holders of the approval permission who may see it, not the asker."""
    from django.contrib.auth import get_user_model

    users = (
        get_user_model()
        .objects.with_perm(APPROVE, backend="django.contrib.auth.backends.ModelBackend")
        .filter(is_active=True)
    )
    if action.owner_id is not None:
        users = users.exclude(pk=action.owner_id)
    return [
        user
        for user in users
        if GoodwillAction.objects.visible_to(user).filter(pk=action.pk).exists()
    ]


def _ask(action: GoodwillAction) -> None:
    from centric.notifications.services import notify

    for user in approvers_of(action):
        notify(
            user=user,
            title=_("Approve goodwill: %(action)s") % {"action": action},
            body=f"{action.owner} · {action.reason} · {action.limit_note}",
            url=reverse("goodwill:goodwillaction_detail", args=[action.pk]),
            key=f"goodwill-ask:{action.pk}:{action.amount}:{user.pk}",
        )


TIMELINE_WORDS = {
    Status.GRANTED: gettext_lazy("Goodwill given"),
    Status.PENDING: gettext_lazy("Goodwill asked for"),
    Status.APPROVED: gettext_lazy("Goodwill approved"),
    Status.DECLINED: gettext_lazy("Goodwill declined"),
}


def _timeline(action: GoodwillAction, actor: Any) -> None:
    """Each step on the customer's timeline (seen by those who may see the customer)."""
    from centric.interactions.services import interaction_create

    links: list[Any] = [action] + ([action.ticket] if action.ticket_id else [])
    summary = f"{action.reason} · {action.owner or ''}"
    if action.answer_note:
        summary += f" · “{action.answer_note}”"
    interaction_create(
        actor=None,  # the system records it
        links=links,
        channel="other",
        kind="system",
        direction="internal",
        person_id=action.person_id,
        organisation_id=action.organisation_id,
        subject=f"{TIMELINE_WORDS[Status(action.status)]}: {action}"[:200],
        summary=summary[:2000],
        external_id=f"goodwill-{action.pk}-{action.status}-{action.version}",
    )


@transaction.atomic
def goodwill_create(
    *,
    actor: Any,
    kind: str,
    amount: Any,
    reason: Any,
    person: Any = None,
    organisation: Any = None,
    ticket: Any = None,
    note: str = "",
    owner: Any = None,
    team: Any = None,
    external_id: str | None = None,
    tags: list[str] | None = None,
    custom_fields: dict[str, Any] | None = None,
) -> GoodwillAction:
    """Give goodwill (within the allowance) or ask for it (above it); the agent is the owner."""
    action = GoodwillAction(owner=owner, team=team, currency=settings.CENTRIC_DEFAULT_CURRENCY)
    set_given(
        action,
        kind=kind,
        reason=reason,
        person=person,
        organisation=organisation,
        ticket=ticket,
        note=note or "",
        external_id=external_id,
    )
    action.amount = _amount(amount)
    default_ownership(action, actor)
    _check(action, actor)
    _decide(action, action.owner or actor)
    save_record(action, actor=actor)
    set_tags(action, tags)
    _timeline(action, actor)
    if action.status == Status.PENDING:
        _ask(action)
    return action


@transaction.atomic
def goodwill_update(
    action: GoodwillAction,
    *,
    actor: Any,
    expected_version: int | None = None,
    kind: str = UNSET,
    amount: Any = UNSET,
    reason: Any = UNSET,
    person: Any = UNSET,
    organisation: Any = UNSET,
    ticket: Any = UNSET,
    note: str = UNSET,
    owner: Any = UNSET,
    team: Any = UNSET,
    external_id: str | None = UNSET,
    tags: list[str] | None = UNSET,
    custom_fields: dict[str, Any] | None = UNSET,
) -> GoodwillAction:
    """The note may always change; what is given, to whom and how much only while it waits
    (a new value is judged against the allowance again)."""
    action = lock(GoodwillAction, action.pk)
    check_version(action, expected_version)
    action._reason_read = action.reason_id  # type: ignore[attr-defined]  # a retired one may stay
    before = (action.kind, action.amount, action.person_id, action.organisation_id, action.owner_id)
    set_given(
        action,
        kind=kind,
        reason=reason,
        person=person,
        organisation=organisation,
        ticket=ticket,
        note=note if note is not None else UNSET,
        owner=owner,
        team=team,
        external_id=external_id,
    )
    if is_set(amount):
        action.amount = _amount(amount)
    after = (action.kind, action.amount, action.person_id, action.organisation_id, action.owner_id)
    if after != before:
        if action.status != Status.PENDING:
            raise ValidationError(
                {"amount": _("Goodwill already answered cannot change; give a new one.")}
            )
        _check(action, actor)
        _decide(action, action.owner)
    else:
        _check(action, actor)
    bump_version(action)
    save_record(action, actor=actor)
    if is_set(tags):
        set_tags(action, tags)
    if after != before:
        _timeline(action, actor)
        if action.status == Status.PENDING:
            _ask(action)
    return action


@transaction.atomic
def goodwill_answer(
    action: GoodwillAction, *, actor: Any, approve: bool, note: str = ""
) -> GoodwillAction:
    """An approver approves or declines a waiting action; the agent is told."""
    from centric.notifications.services import notify

    action = lock(GoodwillAction, action.pk)
    if not actor.has_perm(APPROVE):
        raise PermissionDenied(_("You may not approve goodwill."))
    if action.owner_id == actor.pk:
        raise PermissionDenied(_("Someone else approves what you asked for."))
    if action.status != Status.PENDING:
        raise ValidationError({"status": _("This one was answered already.")})
    now = timezone.now()
    action.status = Status.APPROVED if approve else Status.DECLINED
    action.approver, action.answered_at = actor, now
    action.answer_note = (note or "").strip()[:500]
    action.given_at = now if approve else None
    bump_version(action)
    save_record(action, actor=actor)
    _timeline(action, actor)
    if action.owner is not None:
        title = _("Approved: %(action)s") if approve else _("Declined: %(action)s")
        notify(
            user=action.owner,
            title=title % {"action": action},
            body=action.answer_note or str(actor),
            url=reverse("goodwill:goodwillaction_detail", args=[action.pk]),
            key=f"goodwill-answer:{action.pk}",
        )
    return action


@transaction.atomic
def goodwill_delete(action: GoodwillAction, *, actor: Any = None) -> None:
    if action.status != Status.PENDING:
        raise ValidationError(
            _("Goodwill already given stays on the record; it cannot be deleted.")
        )
    delete_record(action, actor=actor)
