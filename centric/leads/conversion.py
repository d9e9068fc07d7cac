"""Converting a lead: a person (the existing customer when the identity matcher finds them, so
no duplicate is made), their organisation and a deal, in one step, with the lead's history
carried onto the person's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from centric.customers.models import Organisation, Person
from centric.customers.services import (
    contact_point_add,
    membership_set,
    organisation_create,
    person_create,
)
from centric.identity.models import IdentitySettings
from centric.identity.suggestions import Suggestion, duplicate_suggestions
from centric.interactions.choices import Channel, Direction, Kind
from centric.interactions.services import interaction_create
from centric.leads.choices import LeadStatus
from centric.leads.models import Lead
from centric.sales.models import Deal, Pipeline
from centric.sales.services import deal_create


def _record(lead: Lead) -> dict[str, Any]:
    return {
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "phones": [lead.phone] if lead.phone else [],
        "emails": [lead.email] if lead.email else [],
    }


def matching_people(user: Any, lead: Lead) -> list[Suggestion]:
    """Customers `user` may see that this lead may be, most likely first (the matcher's
    review threshold and up)."""
    if not (lead.first_name or lead.last_name or lead.email or lead.phone):
        return []
    return duplicate_suggestions(user, _record(lead))


@dataclass
class Conversion:
    lead: Lead
    person: Person
    person_is_new: bool
    organisation: Organisation | None
    deal: Deal | None


def _person(
    lead: Lead, actor: Any, person: Person | None, *, force_new: bool
) -> tuple[Person, bool]:
    if person is None and not force_new:
        best = matching_people(actor, lead)
        threshold = IdentitySettings.current().merge_threshold
        if best and best[0].probability >= threshold:
            person = best[0].person
    if person is not None:
        # The customer on file keeps what they have; the lead's ways to reach them are added.
        if lead.phone:
            contact_point_add(owner=person, actor=actor, kind="phone", value=lead.phone)
        if lead.email:
            contact_point_add(owner=person, actor=actor, kind="email", value=lead.email)
        return person, False
    points = []
    if lead.phone:
        points.append({"kind": "phone", "value": lead.phone, "is_primary": True})
    if lead.email:
        points.append({"kind": "email", "value": lead.email, "is_primary": True})
    created = person_create(
        actor=actor,
        first_name=lead.first_name,
        last_name=lead.last_name,
        contact_points=points,
        owner=lead.owner,
        team=lead.team,
        source=lead.get_source_display(),
    )
    return created, True


def _organisation(lead: Lead, actor: Any) -> Organisation | None:
    name = lead.organisation_name.strip()
    if not name:
        return None
    found = Organisation.objects.visible_to(actor).filter(name__iexact=name).first()
    return found or organisation_create(actor=actor, name=name, owner=lead.owner, team=lead.team)


def _carry_history(lead: Lead, person: Person, actor: Any, links: list[Any]) -> None:
    """The lead's notes and what it did, on the person's timeline from now on."""
    lines = [f"{_('Source')}: {lead.get_source_display()}"]
    if lead.need:
        lines.append(f"{_('Needs')}: {lead.need}")
    if lead.score_details:
        lines.append(f"{_('Score')}: {lead.score}")
    body = linebreaks(escape("\n".join(lines + ([lead.notes] if lead.notes else []))))
    interaction_create(
        actor=actor,
        links=links,
        channel=Channel.OTHER,
        kind=Kind.SYSTEM,
        direction=Direction.INTERNAL,
        person=person,
        subject=_("Converted from a lead"),
        summary=str(lead),
        body=body,
        external_id=f"lead-{lead.pk}-converted",
    )
    for event in lead.events.all():
        interaction_create(
            actor=actor,
            links=links,
            channel=Channel.OTHER,
            kind=Kind.SYSTEM,
            direction=Direction.INBOUND,
            occurred_at=event.occurred_at,
            person=person,
            actor_is_customer=True,
            subject=event.key.replace("_", " ").capitalize(),
            summary=event.detail,
            external_id=f"lead-event-{event.pk}",
        )


@transaction.atomic
def lead_convert(
    lead: Lead,
    *,
    actor: Any,
    person: Person | None = None,
    force_new: bool = False,
    create_deal: bool = True,
    pipeline: Pipeline | None = None,
    deal_title: str = "",
    amount: Decimal | None = None,
    expected_version: int | None = None,
) -> Conversion:
    """Turn the lead into a customer: `person` when given (one the actor may see), else the
    existing customer the matcher is sure of, else a new person; the organisation by name; and
    a deal in `pipeline` (the first active one by default). `force_new` makes a new person
    even when the matcher finds one (the seller knows they are someone else). Converted twice,
    it stays once."""
    from centric.core.kit.services import check_version, lock

    lead = lock(Lead, lead.pk)
    if lead.converted_at is not None:
        raise ValidationError(_("This lead is converted already."))
    check_version(lead, expected_version)
    if lead.status == LeadStatus.DISQUALIFIED:
        raise ValidationError(
            {"status": _("A disqualified lead is not converted; requalify it first.")}
        )
    customer, is_new = _person(lead, actor, person, force_new=force_new)
    organisation = _organisation(lead, actor)
    if organisation is not None:
        membership_set(person=customer, organisation=organisation, role=lead.job_title)
    deal = None
    if create_deal:
        pipeline = pipeline or Pipeline.objects.filter(is_active=True).first()
        if pipeline is None:
            raise ValidationError(
                {"pipeline": _("Set up a pipeline first, or convert without a deal.")}
            )
        deal = deal_create(
            actor=actor,
            title=deal_title.strip() or lead.need[:200] or str(lead),
            pipeline=pipeline,
            amount=amount if amount is not None else lead.budget,
            currency=lead.currency,
            person=customer,
            organisation=organisation,
            owner=lead.owner,
            team=lead.team,
        )
    _carry_history(lead, customer, actor, [deal] if deal is not None else [])
    lead.status = LeadStatus.CONVERTED
    lead.converted_at = timezone.now()
    lead.converted_person = customer
    lead.converted_organisation = organisation
    lead.converted_deal = deal
    lead.version += 1
    lead.save()
    return Conversion(lead, customer, is_new, organisation, deal)
