"""Canned replies and macros: a reply with placeholders of the customer's and the ticket's data,
and the fields the macro sets.

Placeholders are names in braces from `PLACEHOLDERS` only — `{first_name}`, or with a fallback
for a missing value, `{first_name|there}` — replaced by plain text (never evaluated: a customer
named "{order_number}" stays that name). An unknown name is left as typed, so a typo shows up in
the reply box rather than vanishing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from centric.tickets.models import Macro, Ticket

_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?:\|([^{}]*))?\}")


def _person(field: str) -> Callable[[Ticket, Any], str]:
    return lambda ticket, _agent: (
        str(getattr(ticket.person, field, "") or "") if ticket.person else ""
    )


PLACEHOLDERS: dict[str, Callable[[Ticket, Any], str]] = {
    "first_name": _person("first_name"),
    "last_name": _person("last_name"),
    "full_name": _person("full_name"),
    "email": _person("primary_email"),
    "organisation": lambda t, _a: t.organisation.name if t.organisation else "",
    "ticket_number": lambda t, _a: t.number,
    "ticket_subject": lambda t, _a: t.subject,
    "order_number": lambda t, _a: t.order.number if t.order else "",
    "agent_first_name": lambda _t, a: getattr(a, "first_name", "") or "",
    "agent_name": lambda _t, a: (a.get_full_name() or a.get_username()) if a else "",
}


def render_reply(text: str, ticket: Ticket, agent: Any) -> str:
    """The reply with its placeholders filled (a missing value: the fallback, else nothing)."""

    def fill(match: re.Match[str]) -> str:
        name, fallback = match.group(1), match.group(2)
        value = PLACEHOLDERS.get(name)
        if value is None:
            return match.group(0)
        return value(ticket, agent).strip() or (fallback or "").strip()

    return _PLACEHOLDER.sub(fill, text)


def check_placeholders(text: str) -> None:
    unknown = sorted({m.group(1) for m in _PLACEHOLDER.finditer(text)} - set(PLACEHOLDERS))
    if unknown:
        raise ValidationError(
            {
                "body": _("Unknown placeholder: %(names)s. Use %(known)s.")
                % {
                    "names": ", ".join(f"{{{n}}}" for n in unknown),
                    "known": ", ".join(f"{{{n}}}" for n in PLACEHOLDERS),
                }
            }
        )


@transaction.atomic
def macro_save(
    *,
    macro: Macro | None = None,
    name: str,
    body: str = "",
    set_status: Any = None,
    set_priority: str = "",
    is_active: bool = True,
) -> Macro:
    macro = macro or Macro()
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give it a name.")})
    if Macro.objects.filter(name__iexact=name).exclude(pk=macro.pk).exists():
        raise ValidationError({"name": _("“%(name)s” is taken.") % {"name": name}})
    check_placeholders(body or "")
    if not (body or set_status or set_priority):
        raise ValidationError({"body": _("A macro writes a reply, sets a field, or both.")})
    macro.name, macro.body = name, body or ""
    macro.set_status, macro.set_priority, macro.is_active = (
        set_status,
        set_priority or "",
        is_active,
    )
    macro.full_clean()
    macro.save()
    return macro


@transaction.atomic
def macro_apply(ticket: Ticket, *, actor: Any, macro: Macro) -> tuple[Ticket, str]:
    """Set the macro's fields on the ticket and give its reply, filled, for the agent to check
    and send (nothing is sent here)."""
    from centric.tickets.services import ticket_update

    if not macro.is_active:
        raise ValidationError({"macro": _("This macro is no longer in use.")})
    changes: dict[str, Any] = {}
    if macro.set_status_id:
        changes["status"] = macro.set_status
    if macro.set_priority:
        changes["priority"] = macro.set_priority
    if changes:
        ticket = ticket_update(ticket, actor=actor, **changes)
    return ticket, render_reply(macro.body, ticket, actor)
