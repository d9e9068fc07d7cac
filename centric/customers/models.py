"""The customer record: people, organisations, their contact points and consent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centric.core.models import OwnedRecord, TimeStampedModel
from centric.core.normalise import format_phone
from centric.core.visibility import VisibleQuerySet, visibility_q
from centric.customers.choices import (
    ConsentMethod,
    ConsentPurpose,
    ConsentStatus,
    ContactKind,
    Gender,
)

# A named manager class: the stubs' plugin cannot type `as_manager()` on an abstract model.

# The fields records about a customer copy (see `customers.about`), as names and columns.
ACCESS_FIELDS = frozenset({"owner", "owner_id", "team", "team_id"})


class CustomerQuerySet(VisibleQuerySet):
    def update(self, **kwargs: Any) -> int:
        """As Django's; when owners or teams change, the records about these customers follow
        (their copies of the owner and team, `customers.about`)."""
        if not ACCESS_FIELDS & kwargs.keys():
            return super().update(**kwargs)
        from centric.customers.about import refresh_for_customers

        with transaction.atomic(using=self.db):
            ids = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            refresh_for_customers(self.model, ids)
        return count

    update.alters_data = True  # type: ignore[attr-defined]  # as Django's


CustomerManager = models.Manager.from_queryset(CustomerQuerySet)


class LifecycleStage(models.Model):
    """A stage of the customer lifecycle; the business may rename, add and reorder them."""

    key = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=60)
    position = models.PositiveIntegerField(default=0)
    counts_as_customer = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return str(self.label)


# History rows are read by record id (and ordered by date) only: indexes on the other copied
# columns would be paid for on every write, an import's million rows included, and never used.
UNQUERIED_IN_HISTORY = ["created_at", "owner", "team", "lifecycle_stage"]


class CustomerRecord(OwnedRecord):
    """What people and organisations add to an owned record: lifecycle, acquisition, search name."""

    # Indexed by each model's (stage, name order) index: no separate index and no `_like` copy.
    lifecycle_stage = models.ForeignKey(
        LifecycleStage,
        to_field="key",
        db_column="lifecycle_stage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lifecycle stage"),
        db_index=False,
    )
    source = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_("How they came to us: walk-in, referral, Instagram…"),
    )
    campaign = models.CharField(_("campaign"), max_length=150, blank=True)
    utm_source = models.CharField(max_length=150, blank=True)
    utm_medium = models.CharField(max_length=150, blank=True)
    utm_campaign = models.CharField(max_length=150, blank=True)
    utm_term = models.CharField(max_length=150, blank=True)
    utm_content = models.CharField(max_length=150, blank=True)
    search_name = models.CharField(max_length=400, blank=True, editable=False)
    # Values that were kept as typed because they could not be read (an import's "0803 12"
    # phone, an email without a domain, a date of birth like 31/02/1988): a list of
    # {"field", "value", "reason"}; NULL when nothing needs attention (decision 0055).
    needs_attention = models.JSONField(_("needs attention"), null=True, blank=True, editable=False)

    objects = CustomerManager()  # type: ignore[assignment,misc]  # narrows OwnedRecord's manager

    class Meta(OwnedRecord.Meta):
        abstract = True

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        record = super().from_db(db, field_names, values)
        record._access_read = (record.__dict__.get("owner_id"), record.__dict__.get("team_id"))
        return record

    def save(self, *args: Any, **kwargs: Any) -> None:
        """As Django's; a changed owner or team reaches the records about this customer."""
        read = getattr(self, "_access_read", None)
        now = (self.__dict__.get("owner_id"), self.__dict__.get("team_id"))
        if read is None or read == now or self._state.adding:
            super().save(*args, **kwargs)
        else:
            from centric.customers.about import refresh_for_customers

            with transaction.atomic(using=kwargs.get("using") or self._state.db):
                super().save(*args, **kwargs)
                refresh_for_customers(type(self), [self.pk])
        self._access_read = now

    @property
    def attention_items(self) -> list[dict[str, str]]:
        return [item for item in self.needs_attention or [] if isinstance(item, dict)]


class Organisation(CustomerRecord):
    """A company, shop, church, school or any body that customers belong to or buy as."""

    name = models.CharField(_("name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    tags = models.ManyToManyField("extras.Tag", blank=True, related_name="organisations")
    history = HistoricalRecords(
        excluded_fields=["search_name", "updated_at"], no_db_index=UNQUERIED_IN_HISTORY
    )

    class Meta(CustomerRecord.Meta):
        ordering = ["name", "id"]
        permissions = [
            ("view_all_organisation", "Can view every organisation, whoever owns them"),
        ]
        indexes = [
            models.Index(fields=["search_name", "id"], name="organisation_search_name"),
            models.Index(fields=["owner", "team"], name="organisation_owner_team"),
            models.Index(fields=["name", "id"], name="organisation_name_order"),
            models.Index(fields=["-updated_at", "-id"], name="organisation_recently_updated"),
            models.Index(fields=["-created_at", "-id"], name="organisation_newest"),
            models.Index(fields=["lifecycle_stage", "name", "id"], name="organisation_stage_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(CustomerRecord):
    """A person: a customer, a lead, a contact at an organisation."""

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=20, blank=True)
    lost_at = models.DateField(_("lost on"), null=True, blank=True)
    lost_to = models.CharField(_("lost to (competitor)"), max_length=150, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        db_index=False,
        editable=False,
        help_text=_(
            "Set when this record was merged into another; merged records are hidden, and can be un-merged."
        ),
    )
    primary_email = models.CharField(max_length=254, blank=True, editable=False)
    primary_phone = models.CharField(max_length=20, blank=True, editable=False)
    organisations: models.ManyToManyField[Organisation, Membership] = models.ManyToManyField(
        Organisation, through="Membership", blank=True, related_name="people"
    )
    tags = models.ManyToManyField("extras.Tag", blank=True, related_name="people")
    history = HistoricalRecords(
        excluded_fields=["search_name", "updated_at", "primary_email", "primary_phone"],
        no_db_index=[*UNQUERIED_IN_HISTORY, "merged_into"],
    )

    class Meta(CustomerRecord.Meta):
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = _("people")
        permissions = [
            ("export_person", "Can export people"),
            ("import_person", "Can import people"),
            ("view_all_person", "Can view every person, whoever owns them"),
        ]
        constraints = [
            *CustomerRecord.Meta.constraints,
            # A person without a name only comes from an import row that reaches them (an email,
            # a phone) and is marked as needing one (decision 0055).
            models.CheckConstraint(
                condition=~Q(first_name="", last_name="", middle_name="")
                | Q(needs_attention__isnull=False),
                name="person_has_a_name_or_needs_one",
            ),
        ]
        indexes = [
            models.Index(fields=["search_name", "id"], name="person_search_name"),
            models.Index(fields=["owner", "team"], name="person_owner_team"),
            models.Index(fields=["last_name", "first_name", "id"], name="person_name_order"),
            models.Index(fields=["-created_at", "-id"], name="person_newest"),
            models.Index(fields=["-updated_at", "-id"], name="person_recently_updated"),
            # Nearly every row is NULL here: index only the merged ones.
            models.Index(
                fields=["merged_into"],
                name="person_merged_into",
                condition=Q(merged_into__isnull=False),
            ),
            models.Index(
                fields=["lifecycle_stage", "last_name", "first_name", "id"],
                name="person_stage_name",
            ),
            # The few records that need attention, in the list's order (`?needs_attention=1`).
            models.Index(
                fields=["last_name", "first_name", "id"],
                name="person_needs_attention",
                condition=Q(needs_attention__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        if self.full_name:
            return self.full_name
        if self.primary_email:
            return self.primary_email
        if self.primary_phone:
            return format_phone(self.primary_phone)
        return str(_("(no name)"))

    @property
    def full_name(self) -> str:
        return " ".join(
            part for part in (self.first_name, self.middle_name, self.last_name) if part
        )


class Membership(models.Model):
    """A person's place in an organisation (a person may belong to several)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role or title"), max_length=150, blank=True)
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_primary", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organisation}"


class ContactPointQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view") -> ContactPointQuerySet:
        person_rule = visibility_q(Person, user, action, prefix="person__")
        organisation_rule = visibility_q(Organisation, user, action, prefix="organisation__")
        rule = None
        if person_rule is not None:
            rule = Q(person__isnull=False) & person_rule
        if organisation_rule is not None:
            branch = Q(organisation__isnull=False) & organisation_rule
            rule = branch if rule is None else rule | branch
        return self.none() if rule is None else self.filter(rule)


def _contact_point_owner(model: type[CustomerRecord]) -> models.ForeignKey[Any, Any]:
    """A contact point's link to its owner. Each point has one owner, so each owner column is
    NULL for the other kind's points: their indexes are partial (Meta.indexes) and hold only
    the points that have the owner."""
    return models.ForeignKey(
        model,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contact_points",
        db_index=False,
    )


class ContactPoint(TimeStampedModel):
    """One way to reach a person or organisation. `value_normalized` is how every channel finds them."""

    person = _contact_point_owner(Person)
    organisation = _contact_point_owner(Organisation)
    kind = models.CharField(_("kind"), max_length=20, choices=ContactKind.choices)
    value = models.CharField(_("value"), max_length=500, help_text=_("As entered."))
    value_normalized = models.CharField(max_length=500, blank=True, editable=False)
    label = models.CharField(
        _("label"), max_length=50, blank=True, help_text=_("home, work, shop…")
    )
    is_primary = models.BooleanField(_("primary"), default=False)
    is_verified = models.BooleanField(_("verified"), default=False)
    street = models.CharField(_("street"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO code, e.g. NG")
    )
    # The history pages read contact point history by person and by organisation.
    history = HistoricalRecords(excluded_fields=["updated_at"], no_db_index=["created_at"])

    objects = ContactPointQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-is_primary", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(organisation__isnull=True))
                | (Q(person__isnull=True) & Q(organisation__isnull=False)),
                name="contact_point_has_one_owner",
            ),
        ]
        indexes = [
            # Exact look-ups ("who sent this") and prefix search by value both read this one
            # index: on PostgreSQL its pattern operator class serves `=` and `LIKE 'x%'` alike
            # in any collation (ignored elsewhere).
            models.Index(
                fields=["value_normalized", "kind"],
                name="contact_point_lookup",
                opclasses=["varchar_pattern_ops", "varchar_ops"],
            ),
            # "Numbers ending 2852651", "addresses at @example.com": the search box reads the
            # reversed value's index from its start.
            models.Index(Reverse("value_normalized"), "kind", name="contact_point_ending"),
            models.Index(
                fields=["person"], name="contact_point_person", condition=Q(person__isnull=False)
            ),
            models.Index(
                fields=["organisation"],
                name="contact_point_organisation",
                condition=Q(organisation__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class ConsentQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view") -> ConsentQuerySet:
        rule = visibility_q(Person, user, action, prefix="person__")
        return self.none() if rule is None else self.filter(rule)


class Consent(models.Model):
    """A person's current answer for one purpose, with when, how and what they were shown."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=40, choices=ConsentPurpose.choices)
    status = models.CharField(_("status"), max_length=20, choices=ConsentStatus.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    method = models.CharField(_("how"), max_length=30, choices=ConsentMethod.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    text_shown = models.TextField(_("text shown"), blank=True, max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["purpose"]
        constraints = [
            models.UniqueConstraint(fields=["person", "purpose"], name="consent_unique_purpose")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.purpose} {self.status}"
