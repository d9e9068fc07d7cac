"""The parts of a customer record over the API: contact points (of a person or an
organisation), memberships and consent.

Each is a sub-resource of its owner (`/people/{person_id}/…`,
`/organisations/{organisation_id}/…`): the owner is found through the visibility rule first (404
when not visible), then the part's permission is checked (403). These endpoints are registered
on the owners' routers after the owners' own, keeping the order ninja matches paths in.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Path, Router
from ninja.responses import Status

from centric.core.api.idempotency import idempotent
from centric.core.api.permissions import require_change, require_model_perm
from centric.core.api.render import to_json
from centric.core.api.types import MAX_ID, ApiRequest, Id
from centric.customers import selectors, services
from centric.customers.api.common import visible_organisation, visible_person
from centric.customers.api.organisations import organisations_router
from centric.customers.api.people import people_router
from centric.customers.api.schemas import (
    AttentionOut,
    AttentionSettleIn,
    ConsentIn,
    ConsentOut,
    ContactPointIn,
    ContactPointOut,
    ContactPointPatch,
    MembershipIn,
    MembershipOut,
)
from centric.customers.models import Consent, ContactPoint, Membership, Organisation, Person

# --- Contact points (of a person or an organisation) ------------------------------------------


def _owner(user: Any, kind: str, owner_id: int) -> Person | Organisation:
    if kind == "person":
        return visible_person(user, owner_id)
    return visible_organisation(user, owner_id)


def _list_points(request: ApiRequest, kind: str, owner_id: int) -> list[ContactPoint]:
    user = request.auth
    owner = _owner(user, kind, owner_id)
    require_model_perm(user, ContactPoint, "view")
    return list(owner.contact_points.all())


def _add_point(request: ApiRequest, kind: str, owner_id: int, payload: ContactPointIn):
    user = request.auth
    owner = _owner(user, kind, owner_id)
    require_model_perm(user, ContactPoint, "add")
    require_change(user, owner)

    def create() -> tuple[int, str]:
        point = services.contact_point_add(owner=owner, actor=user, **payload.dict())
        return 201, to_json(ContactPointOut, point)

    return idempotent(request, create)


def _point(user: Any, kind: str, owner_id: int, point_id: int, action: str) -> ContactPoint:
    owner = _owner(user, kind, owner_id)
    require_model_perm(user, ContactPoint, action)
    point = owner.contact_points.get(pk=point_id)
    require_change(user, owner)
    return point


def _update_point(request, kind: str, owner_id: int, point_id: int, payload: ContactPointPatch):
    user = request.auth
    point = _point(user, kind, owner_id, point_id, "change")
    return services.contact_point_update(
        point=point, actor=user, **payload.dict(exclude_unset=True)
    )


def _delete_point(request, kind: str, owner_id: int, point_id: int):
    user = request.auth
    point = _point(user, kind, owner_id, point_id, "delete")
    services.contact_point_remove(point=point, actor=user)
    return Status(204, None)


def _owner_view(view: Any, kind: str, name: str, **parameters: Any) -> Any:
    """Give a view shared by people and organisations its real annotations (this module's are
    strings, and these name a local alias), set before ninja reads the signature: the owner's
    path parameter keeps its public name (`person_id`, `organisation_id`) by alias. Its name is
    the API's operation id."""
    owner = Annotated[int, Path(alias=f"{kind}_id", ge=1, le=MAX_ID)]
    view.__annotations__ = {"request": ApiRequest, "owner_id": owner, **parameters}
    view.__name__ = name
    return view


def _contact_point_endpoints(router: Router, kind: str, whose: str, to_whom: str) -> None:
    """The four contact-point endpoints of people or organisations (`/{person_id}/…` or
    `/{organisation_id}/…`), one implementation for both; operation ids stay
    `list_person_contact_points`, `add_organisation_contact_point`…"""
    id_name = f"{kind}_id"
    points = f"/{{{id_name}}}/contact-points"

    def list_points(request, owner_id):
        return _list_points(request, kind, owner_id)

    def add_point(request, owner_id, payload):
        return _add_point(request, kind, owner_id, payload)

    def update_point(request, owner_id, point_id, payload):
        return _update_point(request, kind, owner_id, point_id, payload)

    def delete_point(request, owner_id, point_id):
        return _delete_point(request, kind, owner_id, point_id)

    _owner_view(list_points, kind, f"list_{kind}_contact_points")
    _owner_view(add_point, kind, f"add_{kind}_contact_point", payload=ContactPointIn)
    _owner_view(
        update_point,
        kind,
        f"update_{kind}_contact_point",
        point_id=Id,
        payload=ContactPointPatch,
    )
    _owner_view(delete_point, kind, f"delete_{kind}_contact_point", point_id=Id)
    one = points + "/{point_id}"
    router.get(points, response=list[ContactPointOut], summary=f"List {whose} contact points")(
        list_points
    )
    router.post(
        points, response={201: ContactPointOut}, summary=f"Add a contact point to {to_whom}"
    )(add_point)
    router.patch(one, response=ContactPointOut, summary=f"Update {whose} contact point")(
        update_point
    )
    router.delete(one, response={204: None}, summary=f"Remove {whose} contact point")(delete_point)


# --- Values kept as typed (decision 0055) ----------------------------------------------------


def _settle(request: ApiRequest, kind: str, owner_id: int, payload: AttentionSettleIn):
    user = request.auth
    owner = _owner(user, kind, owner_id)
    require_model_perm(user, type(owner), "change")
    require_change(user, owner)
    settled = services.customer_attention_settle(
        record=owner, field=payload.field, value=payload.value, actor=user
    )
    return settled.attention_items


def _attention_endpoint(router: Router, kind: str, whom: str) -> None:
    """`POST /{<kind>_id}/needs-attention/settled`: one value an import kept as typed is dealt
    with; the answer is what still needs attention."""
    id_name = f"{kind}_id"

    def settle_attention(request, owner_id, payload):
        return _settle(request, kind, owner_id, payload)

    _owner_view(settle_attention, kind, f"settle_{kind}_attention", payload=AttentionSettleIn)
    router.post(
        f"/{{{id_name}}}/needs-attention/settled",
        response=list[AttentionOut],
        summary=f"Mark a value kept as typed on {whom} as dealt with",
    )(settle_attention)


_contact_point_endpoints(people_router, "person", "a person's", "a person")
_contact_point_endpoints(
    organisations_router, "organisation", "an organisation's", "an organisation"
)
_attention_endpoint(people_router, "person", "a person")
_attention_endpoint(organisations_router, "organisation", "an organisation")


# --- Memberships ------------------------------------------------------------------------------


def _memberships(user: Any, owner: Person | Organisation) -> QuerySet[Membership]:
    """A visible owner's memberships whose other side the user may see too: a hidden
    organisation is not named through its members, nor a hidden person through theirs. The
    owner is found first, so a record one may not see is a 404 before the permission's 403."""
    require_model_perm(user, Membership, "view")
    if isinstance(owner, Person):
        other_side = Q(organisation__in=selectors.organisations_visible(user))
    else:
        other_side = Q(person__in=selectors.people_visible(user))
    return owner.memberships.select_related("person", "organisation").filter(other_side)


@people_router.get(
    "/{person_id}/memberships",
    response=list[MembershipOut],
    summary="List the organisations a person belongs to",
)
def list_person_memberships(request: ApiRequest, person_id: Id):
    user = request.auth
    return list(_memberships(user, visible_person(user, person_id)))


@people_router.post(
    "/{person_id}/memberships",
    response={201: MembershipOut},
    summary="Add a person to an organisation (or change their role there)",
)
def set_person_membership(request: ApiRequest, person_id: Id, payload: MembershipIn):
    user = request.auth
    person = visible_person(user, person_id)
    require_model_perm(user, Membership, "add")
    require_change(user, person)
    try:
        organisation = selectors.organisation_get(user, payload.organisation_id)
    except Organisation.DoesNotExist as error:
        raise ValidationError({"organisation_id": _("There is no such organisation.")}) from error

    def create() -> tuple[int, str]:
        membership = services.membership_set(
            person=person,
            organisation=organisation,
            role=payload.role,
            is_primary=payload.is_primary,
        )
        return 201, to_json(MembershipOut, membership)

    return idempotent(request, create)


@people_router.delete(
    "/{person_id}/memberships/{organisation_id}",
    response={204: None},
    summary="Take a person out of an organisation",
)
def remove_person_membership(request: ApiRequest, person_id: Id, organisation_id: Id):
    user = request.auth
    person = visible_person(user, person_id)
    require_model_perm(user, Membership, "delete")
    require_change(user, person)
    organisation = selectors.organisation_get(user, organisation_id)
    if not Membership.objects.filter(person=person, organisation=organisation).exists():
        raise Membership.DoesNotExist
    services.membership_remove(person=person, organisation=organisation)
    return Status(204, None)


@organisations_router.get(
    "/{organisation_id}/memberships",
    response=list[MembershipOut],
    summary="List the people of an organisation",
)
def list_organisation_memberships(request: ApiRequest, organisation_id: Id):
    user = request.auth
    memberships = _memberships(user, visible_organisation(user, organisation_id))
    return list(memberships.order_by("person__last_name", "person__first_name", "id")[:500])


# --- Consent ----------------------------------------------------------------------------------


@people_router.get(
    "/{person_id}/consents", response=list[ConsentOut], summary="List a person's consent"
)
def list_person_consents(request: ApiRequest, person_id: Id):
    user = request.auth
    person = visible_person(user, person_id)
    require_model_perm(user, Consent, "view")
    return list(person.consents.all())


@people_router.post(
    "/{person_id}/consents",
    response={201: ConsentOut},
    summary="Record a person's consent for one purpose",
)
def record_person_consent(request: ApiRequest, person_id: Id, payload: ConsentIn):
    user = request.auth
    person = visible_person(user, person_id)
    require_model_perm(user, Consent, "add")
    require_change(user, person)

    def create() -> tuple[int, str]:
        consent = services.consent_record(
            person=person,
            purpose=payload.purpose,
            status=payload.status,
            method=payload.method,
            actor=user,
            ip_address=str(payload.ip_address) if payload.ip_address else None,
            text_shown=payload.text_shown,
            recorded_at=payload.recorded_at,
        )
        return 201, to_json(ConsentOut, consent)

    return idempotent(request, create)
