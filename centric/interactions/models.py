"""The timeline: one row per touchpoint, from every channel. The timeline reads only here."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centric.core.visibility import visibility_q
from centric.customers.models import Organisation, Person
from centric.interactions.choices import Channel, Direction, Kind


@dataclass(frozen=True)
class CustomerRules:
    """The visibility rules of the records an interaction is about, read once per query.

    `person` / `organisation` are `visibility_q` filters through the interaction's foreign keys
    (None: none of them is visible). Selectors that also filter by a customer reuse them instead
    of reading the policies again.
    """

    person: Q | None
    organisation: Q | None

    @classmethod
    def of(cls, user) -> CustomerRules:
        return cls(
            person=visibility_q(Person, user, "view", prefix="person__"),
            organisation=visibility_q(Organisation, user, "view", prefix="organisation__"),
        )


class InteractionQuerySet(models.QuerySet):
    def visible_to(
        self, user, action: str = "view", *, rules: CustomerRules | None = None
    ) -> InteractionQuerySet:
        """The one rule of the timeline (decision 0037): an interaction about a person is visible
        only to those who may see that person, whatever else it links to (an organisation, a
        deal…); an organisation-only interaction follows the organisation. Links to other
        records never widen it. `rules` (from `CustomerRules.of(user)`) saves reading them twice.
        """
        from centric.core.visibility import has_model_permission

        if not has_model_permission(user, Interaction, action):
            return self.none()
        rules = rules or CustomerRules.of(user)
        rule = None
        if rules.person is not None:
            rule = Q(person__isnull=False) & rules.person
        if rules.organisation is not None:
            branch = Q(person__isnull=True) & rules.organisation
            rule = branch if rule is None else rule | branch
        return self.none() if rule is None else self.filter(rule)


class Interaction(models.Model):
    """A touchpoint: a message, call, meeting, visit, note, purchase… on any channel."""

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, db_index=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INTERNAL
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="interactions"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="interactions"
    )
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The member of staff who acted, if any."),
    )
    actor_is_customer = models.BooleanField(
        default=False, help_text=_("The customer acted (e.g. sent a message).")
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("body"), blank=True, help_text=_("Sanitised HTML."))
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    external_id = models.CharField(
        max_length=255, null=True, blank=True, help_text=_("The channel's message id.")
    )
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(organisation__isnull=False),
                name="interaction_has_subject",
            ),
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=Q(external_id__isnull=False),
                name="interaction_unique_external_id",
            ),
        ]
        indexes = [
            models.Index(
                fields=["person", "-occurred_at", "-id"], name="interaction_person_timeline"
            ),
            models.Index(
                fields=["organisation", "-occurred_at", "-id"], name="interaction_org_timeline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class InteractionLink(models.Model):
    """An interaction's link to another registered record (a deal, a ticket, an order…): one
    table for every record type, no column per type (decision 0038).

    Links never make an interaction visible: it stays its customer's (decision 0037). The
    target is named by content type and id, so deleting it leaves the link behind until the
    record type's delete service calls `interaction_links_forget`; readers skip targets that no
    longer exist or that the viewer may not see.
    """

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "content_type", "object_id"], name="interaction_link_unique"
            ),
        ]
        indexes = [
            # "The timeline of record X": from the target to its interactions.
            models.Index(
                fields=["content_type", "object_id", "interaction"], name="interaction_link_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interaction_id} → {self.content_type_id}:{self.object_id}"
