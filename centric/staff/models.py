"""Staff: users, the business's teams, roles, and personal API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centric.core.search import search_key


class Team(models.Model):
    """A department (Marketing, Sales, Service, Back office, Management), with a lead and a parent.

    The lead of a team, and of every team above it, sees the team's private records.
    """

    class Kind(models.TextChoices):
        MARKETING = "marketing", _("Marketing")
        SALES = "sales", _("Sales")
        SERVICE = "service", _("Service")
        BACK_OFFICE = "back_office", _("Back office")
        MANAGEMENT = "management", _("Management")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    lead = models.ForeignKey(
        "staff.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff. Belongs to one team; roles are Django groups with a `RoleProfile`."""

    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Folded "first last username" for the type-ahead owner picker (word prefixes, any accent).
    search_name = models.CharField(max_length=400, blank=True, db_index=True, editable=False)
    # Away (leave, off sick): assignment rules pass them over; what they own stays theirs.
    is_away = models.BooleanField(
        _("away"), default=False, help_text=_("Assignment rules give them no new work.")
    )

    class Meta:
        ordering = ["username"]
        permissions = [("manage_staff", "Can manage staff users, teams and roles")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs) -> None:
        self.search_name = search_key(f"{self.first_name} {self.last_name} {self.username}")[:400]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name", "username"} & set(
            update_fields
        ):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def managed_team_ids(self) -> list[int]:
        """Teams this user leads, and every team below them (cached per user object)."""
        cached = getattr(self, "_managed_team_ids", None)
        if cached is not None:
            return cached
        from centric.core.cache import remember

        rows = remember(
            "visibility:teams", lambda: list(Team.objects.values_list("id", "parent_id", "lead_id"))
        )
        children: dict[int | None, list[int]] = {}
        for team_id, parent_id, _lead in rows:
            children.setdefault(parent_id, []).append(team_id)
        result: set[int] = set()
        stack = [team_id for team_id, _parent, lead_id in rows if lead_id == self.pk]
        while stack:
            team_id = stack.pop()
            if team_id in result:
                continue
            result.add(team_id)
            stack.extend(children.get(team_id, []))
        self._managed_team_ids = sorted(result)
        return self._managed_team_ids

    def requires_mfa(self) -> bool:
        return RoleProfile.objects.filter(group__user=self, requires_mfa=True).exists()


class RoleProfile(models.Model):
    """What a role (a Django group of permissions) adds: whether its members must use TOTP."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="role_profile")
    description = models.CharField(max_length=255, blank=True)
    requires_mfa = models.BooleanField(_("requires two-factor sign-in"), default=False)

    def __str__(self) -> str:
        return self.group.name


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
