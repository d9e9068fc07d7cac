"""Reading the timeline, newest first, through the one visibility rule."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from centric.core.records import RecordType, registry
from centric.core.visibility import has_model_permission
from centric.customers.models import Membership, Organisation, Person
from centric.interactions.models import CustomerRules, Interaction, InteractionLink

# Up to this many members, an organisation's timeline names its people's ids in the query, which
# PostgreSQL answers from the person and organisation timeline indexes (BitmapOr): ~10 ms on the
# 5M-interaction bench, where `person_id IN (subquery)` under an OR is a 3 s sequential scan.
# Larger organisations fall back to the subquery (same rows, slower), which keeps the query under
# SQLite's bound-parameter limit.
MEMBER_IDS_INLINE = 2000


def timeline(
    user: Any,
    *,
    person: Person | int | None = None,
    organisation: Organisation | int | None = None,
    include_members: bool = False,
    channel: str = "",
    kind: str = "",
    linked_to: tuple[type[models.Model], int] | None = None,
) -> QuerySet[Interaction]:
    """Interactions `user` may see, newest first.

    `organisation` (a record or an id) with `include_members` also brings in the interactions of
    the people who belong to it now (B2B: the account's timeline shows its contacts' calls and
    meetings). Member ids are read only from an organisation the user may see, so the option
    cannot reveal who belongs to a hidden one; every row still passes the visibility rule, and
    a hidden `organisation` gives what an id that does not exist gives: nothing.

    `linked_to` (a model and a primary key) keeps the interactions linked to that record, when
    `user` may see it (see `interactions_for_record`).
    """
    rules = CustomerRules.of(user)
    queryset: QuerySet[Interaction] = annotate_visible_organisation(
        Interaction.objects.visible_to(user, rules=rules), user, rules=rules
    ).select_related("actor_user")
    if person is not None:
        queryset = queryset.filter(person=person)
    if organisation is not None:
        # Filtering by a hidden organisation is filtering by one that does not exist, even for
        # rows visible through their person.
        if rules.organisation is None:
            return queryset.none()
        about = Q(organisation=organisation) & rules.organisation
        if include_members:
            about |= _members_q(user, organisation)
        queryset = queryset.filter(about)
    if linked_to is not None:
        queryset = _linked(queryset, user, *linked_to)
    if channel:
        queryset = queryset.filter(channel=channel)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-occurred_at", "-id")


def interaction_get(user: Any, pk: int) -> Interaction:
    """One interaction `user` may see, as the list gives it (`has_links`,
    `visible_organisation_id`); DoesNotExist when it is missing or hidden."""
    rules = CustomerRules.of(user)
    queryset = annotate_visible_organisation(
        Interaction.objects.visible_to(user, rules=rules), user, rules=rules
    )
    found: Interaction = annotate_has_links(queryset).get(pk=pk)
    return found


def annotate_visible_organisation(
    queryset: QuerySet[Interaction], user: Any, *, rules: CustomerRules | None = None
) -> QuerySet[Interaction]:
    """`visible_organisation_id` on each row: the organisation's id when `user` may see that
    organisation, else None.

    An interaction about a person is visible through the person (decision 0037) even when it
    also names an organisation the viewer may not see; that organisation stays unnamed. The
    organisation's rule is evaluated in the same query (no query more per page); `rules`, from
    `CustomerRules.of(user)`, saves reading the policies again.
    """
    rules = rules or CustomerRules.of(user)
    output: models.Field[Any, Any] = models.BigIntegerField()
    shown: Value | F | Case
    if rules.organisation is None:
        shown = Value(None, output_field=output)
    elif not rules.organisation:  # Q(): every organisation is visible
        shown = F("organisation_id")
    else:
        shown = Case(
            When(rules.organisation, then=F("organisation_id")),
            default=Value(None),
            output_field=output,
        )
    return queryset.annotate(visible_organisation_id=shown)


def with_visible_organisations(user: Any, interactions: list[Interaction]) -> list[Interaction]:
    """Set `visible_organisation_id` (see `annotate_visible_organisation`) on interactions not
    read through a selector (the one the create endpoint returns); one query when any of them
    names an organisation."""
    ids = [i.pk for i in interactions if i.organisation_id is not None]
    shown: dict[int, int | None] = {}
    if ids:
        rows = annotate_visible_organisation(Interaction.objects.filter(pk__in=ids), user)
        shown = {row.pk: row.visible_organisation_id for row in rows.only("pk")}  # type: ignore[attr-defined]  # the annotation
    for interaction in interactions:
        interaction.visible_organisation_id = shown.get(interaction.pk)  # type: ignore[attr-defined]  # for pages and the API
    return interactions


def _members_q(user: Any, organisation: Organisation | int) -> Q:
    members = Membership.objects.filter(
        organisation=organisation,
        organisation__in=Organisation.objects.visible_to(user).values("pk"),
    ).values_list("person_id", flat=True)
    ids = list(members[: MEMBER_IDS_INLINE + 1])
    if len(ids) > MEMBER_IDS_INLINE:
        return Q(person__in=members)
    return Q(person__in=ids)


def interactions_for_record(user: Any, record: models.Model) -> QuerySet[Interaction]:
    """The timeline of any registered record (a deal, a ticket…): the interactions `user` may see
    that link to `record`, newest first, for `keyset_page` like the person timeline.

    Visibility stays the interactions' own (their customer's, decision 0037): a link never shows
    an interaction its person hides. A record `user` may not see has an empty timeline, as one
    that does not exist.
    """
    return timeline(user, linked_to=(type(record), record.pk))


def _linked(
    queryset: QuerySet[Interaction], user: Any, model: type[models.Model], pk: int
) -> QuerySet[Interaction]:
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    # One filter() call: one join to the links, which the unique constraint keeps to one row
    # per interaction; the (content_type, object_id, interaction) index answers it.
    about = Q(links__content_type=content_type, links__object_id=pk)
    manager = model._default_manager
    if hasattr(manager, "visible_to"):
        about &= Q(links__object_id__in=manager.visible_to(user).filter(pk=pk).values("pk"))
    elif not has_model_permission(user, model, "view"):
        return queryset.none()
    return queryset.filter(about)


def with_visible_links(user: Any, interactions: list[Interaction]) -> list[Interaction]:
    """Set `visible_links` on each interaction: `(record type key, id)` of the targets `user`
    may see, in the order they were linked. One query for the links (none when the rows were
    annotated with `has_links` and have none) and one per linked record type."""
    wanted = [i.pk for i in interactions if getattr(i, "has_links", True)]
    rows = (
        list(
            InteractionLink.objects.filter(interaction_id__in=wanted)
            .order_by("id")
            .values_list("interaction_id", "content_type_id", "object_id")
        )
        if wanted
        else []
    )
    by_type: dict[int, set[int]] = {}
    for _interaction, content_type_id, object_id in rows:
        by_type.setdefault(content_type_id, set()).add(object_id)
    keys: dict[int, str] = {}
    visible: dict[int, set[int]] = {}
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None or not registry.is_registered(model):
            continue
        record_type = registry.get(model)
        if not record_type.timeline:
            continue
        keys[content_type_id] = record_type.key
        manager = model._default_manager
        if hasattr(manager, "visible_to"):
            visible[content_type_id] = set(
                manager.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
            )
        elif has_model_permission(user, model, "view"):
            visible[content_type_id] = ids
    links: dict[int, list[tuple[str, int]]] = {}
    for interaction_id, content_type_id, object_id in rows:
        if object_id in visible.get(content_type_id, ()):
            links.setdefault(interaction_id, []).append((keys[content_type_id], object_id))
    for interaction in interactions:
        interaction.visible_links = links.get(interaction.pk, [])  # type: ignore[attr-defined]  # for pages and the API
    return interactions


def annotate_has_links(queryset: QuerySet[Interaction]) -> QuerySet[Interaction]:
    """`has_links` on each row (an EXISTS on the links' unique index), so that a page without
    links costs no extra query in `with_visible_links`."""
    return queryset.annotate(
        has_links=Exists(InteractionLink.objects.filter(interaction_id=OuterRef("pk")))
    )


def timeline_record_type(key: str) -> RecordType | None:
    """The record type registered under `key` whose records interactions may link to."""
    try:
        record_type = registry.get(key)
    except LookupError:
        return None
    return record_type if record_type.key == key and record_type.timeline else None


def link_target(user: Any, key: str, pk: int) -> models.Model | None:
    """The record `key`/`pk` when `user` may link to it; None when the type is not a timeline
    target, or the record is missing or hidden (callers answer all three the same way)."""
    record_type = timeline_record_type(key)
    if record_type is None:
        return None
    model = record_type.model
    manager = model._default_manager
    if hasattr(manager, "visible_to"):
        found: models.Model | None = manager.visible_to(user).filter(pk=pk).first()
        return found
    if not has_model_permission(user, model, "view"):
        return None
    return manager.filter(pk=pk).first()
