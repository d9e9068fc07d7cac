"""Writing a batch of prepared rows in bulk: match, create, update, contact points, tags,
memberships, consent and field history — a few queries per batch instead of dozens per row.

The values were validated and normalised by `RowPreparer` with the same functions the services
use; what the services do per record (search name, primary email/phone, history rows, default
owner and team) is done here for a whole batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centric.core.search import search_key
from centric.core.visibility import sees_everything
from centric.customers.choices import ConsentMethod, ContactKind
from centric.customers.models import Consent, ContactPoint, Membership, Organisation, Person
from centric.customers.services import consent_record, organisation_create
from centric.customers.services.common import EXTERNAL_ID_UNUSABLE
from centric.customers.services.contact_points import contact_point_add, primary_email_and_phone
from centric.customers.services.people import person_search_name
from centric.extras.models import Tag
from centric.extras.services import tag_get_or_create
from centric.imports.models import MatchBy, RecordType
from centric.imports.services import bulk
from centric.imports.services.labels import (
    LabelDecision,
    StoredPoints,
    label_decisions,
    label_edits,
    label_fill,
    labels_write,
)
from centric.imports.services.outcome import NewRecord, Outcome
from centric.imports.services.rows import (
    NewRowText,
    PreparedRow,
    contact_group,
    new_record_values,
)
from centric.imports.services.staging import StagedBatch, new_row_lines
from centric.imports.services.updates import BatchUpdates, UpdateRules, channel_family

# A row matching a record the importer may see but not change, or one they may not see.
MATCHES_UNCHANGEABLE = gettext_lazy("It matches an existing record that you may not change.")


class BatchWriter:
    """Writes batches for one import. Caches tag and organisation ids across batches; ids created
    inside a transaction that is rolled back are forgotten (`forget_created`)."""

    def __init__(
        self,
        *,
        record_type: str,
        match_by: str,
        actor: Any = None,
        default_owner: Any = None,
        default_team: Any = None,
        rules: UpdateRules | None = None,
        reason: str = "",
    ) -> None:
        self.record_type = record_type
        self.is_people = record_type == RecordType.PEOPLE
        self.model = Person if self.is_people else Organisation
        self.owner_attr = "person" if self.is_people else "organisation"
        self.match_by = match_by
        self.actor = actor if actor is not None and actor.is_authenticated else None
        self.restrict = self.actor is not None and not sees_everything(self.actor)
        owner = default_owner or self.actor
        self.default_owner_id = owner.pk if owner is not None else None
        self.default_team_id = owner.team_id if owner is not None else None
        # A team chosen for the file beats each row owner's team (a team column beats both).
        self.team_is_chosen = default_team is not None
        if default_team is not None:
            self.default_team_id = default_team.pk
        # What rows do to the records they match (decision 0064).
        self.updates = BatchUpdates(
            rules or UpdateRules(record_type=record_type, headers=[], mapping={})
        )
        self.reason = reason[:100]
        self.tag_ids: dict[str, int] = {}
        self.organisation_ids: dict[str, int] = {}
        self.created_cache_keys: list[tuple[dict[str, int], str]] = []
        self.new_row_text = NewRowText(self.model, self.owner_attr)
        self.history_model = self.model.history.model
        self.tracked = {f.attname for f in self.history_model.tracked_fields}

    def forget_created(self) -> None:
        for cache, key in self.created_cache_keys:
            cache.pop(key, None)
        self.created_cache_keys.clear()

    def keep_created(self) -> None:
        self.created_cache_keys.clear()

    # --- look-ups -------------------------------------------------------------------------

    def _tag_id(self, name: str) -> int:
        key = name.lower()
        if key not in self.tag_ids:
            existing = Tag.objects.filter(name__iexact=name).values_list("id", flat=True).first()
            if existing is None:
                existing = tag_get_or_create(name=name).pk
                self.created_cache_keys.append((self.tag_ids, key))
            self.tag_ids[key] = existing
        return self.tag_ids[key]

    def _organisation_id(self, name: str) -> int:
        key = name.lower()
        if key not in self.organisation_ids:
            # Only an organisation the importer may see is joined; otherwise a new one is made
            # (its name is all the row says), as on the page, which offers only visible ones.
            organisations = (
                Organisation.objects.visible_to(self.actor)
                if self.restrict
                else Organisation.objects.all()
            )
            existing = (
                organisations.filter(name__iexact=name)
                .order_by("id")
                .values_list("id", flat=True)
                .first()
            )
            if existing is None:
                existing = organisation_create(
                    actor=self.actor,
                    name=name,
                    owner=self.default_owner_id,
                    team=self.default_team_id,
                ).pk
                self.created_cache_keys.append((self.organisation_ids, key))
            self.organisation_ids[key] = existing
        return self.organisation_ids[key]

    def _matches(
        self, rows: list[PreparedRow]
    ) -> tuple[
        dict[str | None, Any], dict[str, set[int]], dict[int, Any], set[int] | None, set[int] | None
    ]:
        """Existing records the rows name (by external id, by email), with the ids of those the
        importer may see (`seen`) and change (`allowed`); None for both when they see all."""
        external_ids = bulk.existing_values(
            self.model, "external_id", [r.external_id for r in rows if r.external_id]
        )
        by_external: dict[str | None, Any] = (
            {o.external_id: o for o in self.model.objects.filter(external_id__in=external_ids)}
            if external_ids
            else {}
        )
        by_email: dict[str, set[int]] = {}
        objects = {o.pk: o for o in by_external.values()}
        if self.match_by == MatchBy.EMAIL:
            emails = {e for r in rows for e in r.emails}
            if emails:
                points = ContactPoint.objects.filter(
                    kind=ContactKind.EMAIL,
                    value_normalized__in=emails,
                    **{f"{self.owner_attr}__isnull": False},
                ).values_list("value_normalized", f"{self.owner_attr}_id")
                for value, owner_id in points:
                    by_email.setdefault(value, set()).add(owner_id)
                wanted = set().union(*by_email.values()) - set(objects)
                if wanted:
                    objects.update(self.model.objects.in_bulk(wanted))
        if any(getattr(o, "merged_into_id", None) for o in objects.values()):
            by_external, by_email, objects = self._follow_merges(by_external, by_email, objects)
        seen = allowed = None
        if self.restrict and objects:
            seen = set(
                self.model.objects.visible_to(self.actor)
                .filter(pk__in=list(objects))
                .values_list("pk", flat=True)
            )
            allowed = set(
                self.model.objects.visible_to(self.actor, "change")
                .filter(pk__in=list(seen))
                .values_list("pk", flat=True)
            )
        return by_external, by_email, objects, seen, allowed

    def _follow_merges(
        self,
        by_external: dict[str | None, Any],
        by_email: dict[str, set[int]],
        objects: dict[int, Any],
    ) -> tuple[dict[str | None, Any], dict[str, set[int]], dict[int, Any]]:
        """A record merged into another stands for its survivor: after a merge, only the
        surviving record is the customer (identity resolution keeps the losers, hidden)."""
        for _step in range(10):
            missing = {
                o.merged_into_id
                for o in objects.values()
                if o.merged_into_id and o.merged_into_id not in objects
            }
            if not missing:
                break
            objects.update(self.model.objects.in_bulk(missing))

        def survivor(pk: int) -> int | None:
            for _step in range(10):
                record = objects.get(pk)
                if record is None:
                    return None
                if not record.merged_into_id:
                    return pk
                pk = record.merged_into_id
            return None

        by_external = {
            key: objects[final]
            for key, record in by_external.items()
            if (final := survivor(record.pk)) is not None
        }
        by_email = {
            email: {final for pk in ids if (final := survivor(pk)) is not None}
            for email, ids in by_email.items()
        }
        objects = {pk: o for pk, o in objects.items() if not o.merged_into_id}
        return by_external, by_email, objects

    def noun(self) -> str:
        return _("person") if self.is_people else _("organisation")

    def _target(
        self,
        row: PreparedRow,
        by_external: dict[str | None, Any],
        by_email: dict[str, set[int]],
        objects: dict[int, Any],
        seen: set[int] | None,
    ) -> tuple[Any, str]:
        """The existing record this row updates (or None to create), or a rejection reason.

        A reason never describes a record the importer may not see (its external id, how many
        share an email): such a row gets the words a page or the API would give (decision 0020).
        """
        by_id = by_external.get(row.external_id) if row.external_id else None
        if by_id is not None and seen is not None and by_id.pk not in seen:
            return None, str(EXTERNAL_ID_UNUSABLE)
        if self.match_by != MatchBy.EMAIL:
            return by_id, ""
        candidates: set[int] = set()
        for email in row.emails:
            candidates |= by_email.get(email, set())
        if seen is not None and candidates - seen:
            return None, str(MATCHES_UNCHANGEABLE)
        if len(candidates) > 1:
            return None, _(
                "Several existing records have this email address; add an external id column "
                "and match by external id instead."
            )
        if not candidates:
            return by_id, ""
        match = objects[candidates.pop()]
        if row.external_id and by_id is not None and by_id.pk != match.pk:
            return None, _(
                "The email matches one %(noun)s but the external id “%(id)s” belongs to another."
            ) % {"noun": self.noun(), "id": row.external_id}
        if row.external_id and match.external_id and match.external_id != row.external_id:
            return None, _(
                "The %(noun)s with this email has external id “%(theirs)s”, not “%(ours)s”."
            ) % {"noun": self.noun(), "theirs": match.external_id, "ours": row.external_id}
        return match, ""

    # --- writing --------------------------------------------------------------------------

    def stage(self, rows: list[PreparedRow], *, required_custom: list[str]) -> StagedBatch:
        """Sort a batch into the records it creates, those it updates and the rows it rejects,
        and finish the COPY lines of its new records (PostgreSQL): all of a batch that can be
        worked out before its turn to write comes (see `staging`)."""
        staged = StagedBatch(rows=rows, now=timezone.now())
        if any(row.is_organisation for row in rows):
            staged.organisations = [row for row in rows if row.is_organisation]
            rows = [row for row in rows if not row.is_organisation]
        if not rows:
            return staged
        by_external, by_email, objects, seen, allowed = self._matches(rows)
        # New records arrive as COPY text from the preparing workers (PostgreSQL).
        staged.preformatted = bulk._is_postgres() and all(row.copy_text for row in rows)
        claimed: dict[int, int] = {}
        for row in rows:
            target, reason = self._target(row, by_external, by_email, objects, seen)
            if reason:
                staged.outcome.reject(row, reason)
                continue
            if target is None:
                missing = [k for k in required_custom if k not in row.custom_fields]
                if missing:
                    staged.outcome.reject(
                        row,
                        _("Custom fields required for a new record are empty: %(keys)s.")
                        % {"keys": ", ".join(missing)},
                    )
                    continue
                staged.new.append(
                    (row, self._build(row, staged.now, owner_only=staged.preformatted))
                )
                continue
            if allowed is not None and target.pk not in allowed:
                staged.outcome.reject(row, str(MATCHES_UNCHANGEABLE))
                continue
            if target.pk in claimed:
                staged.outcome.reject(
                    row,
                    _("It matches the same record as line %(line)d.")
                    % {"line": claimed[target.pk]},
                )
                continue
            claimed[target.pk] = row.line
            staged.matched.append((row, target))
        if staged.preformatted and staged.new:
            staged.lines = new_row_lines(
                self.new_row_text, staged.new, staged.now, reason=self.reason, actor=self.actor
            )
        return staged

    def _still_current(self, staged: StagedBatch) -> bool:
        """Whether the records a batch staged ahead matches are as they were when it was staged
        (an earlier batch of the file may have updated one since)."""
        if not staged.matched:
            return True
        fresh = self.model.objects.in_bulk([obj.pk for _row, obj in staged.matched])
        names = [f.attname for f in self.model._meta.concrete_fields]
        for _row, obj in staged.matched:
            current = fresh.get(obj.pk)
            if current is None or any(getattr(current, n) != getattr(obj, n) for n in names):
                return False
        return True

    def write(
        self,
        rows: list[PreparedRow],
        outcome: Outcome,
        *,
        required_custom: list[str],
        staged: StagedBatch | None = None,
    ) -> None:
        """Write one batch, staged ahead or not; the caller holds the transaction."""
        if staged is None or (staged.ahead and not self._still_current(staged)):
            staged = self.stage(rows, required_custom=required_custom)
        if staged.organisations:
            self._write_organisations(staged.organisations, outcome)
        outcome.merge(staged.outcome)
        new, matched, now = staged.new, staged.matched, staged.now
        preformatted = staged.preformatted
        if not new and not matched:
            return
        for row, obj in matched:
            if self.is_people and (obj.first_name or obj.middle_name or obj.last_name):
                # A nameless row updating a named person: the record needs no name.
                row.notices = [n for n in row.notices if n["field"] != "name"]
        for row, _obj in [*new, *matched]:
            outcome.written(row)
        self.updates.load(matched)

        created = [obj.values for _row, obj in new]
        if staged.lines is not None:
            staged.lines.copy(self.new_row_text)
        elif created:
            bulk.insert_values(self.model, created, now=now)
            bulk.insert_history_values(
                self.model, created, user=self.actor, reason=self.reason, date=now
            )
        outcome.created += len(created)

        existing_points: dict[int, set[tuple[str, str]]] = {}
        primaries: dict[int, set[str]] = {}
        stored: StoredPoints = {}
        if matched:
            ids = [obj.pk for _row, obj in matched]
            point_rows = ContactPoint.objects.filter(
                **{f"{self.owner_attr}_id__in": ids}
            ).values_list(
                f"{self.owner_attr}_id", "id", "kind", "value_normalized", "is_primary", "label"
            )
            for owner_id, point_id, kind, normalised, is_primary, label in point_rows.order_by(
                "id"
            ):
                key = (channel_family(kind), normalised)
                existing_points.setdefault(owner_id, set()).add(key)
                stored.setdefault(owner_id, {}).setdefault(key, (point_id, kind, label))
                if is_primary:
                    primaries.setdefault(owner_id, set()).add(contact_group(kind))

        new_points: list[dict[str, Any]] = []
        if not preformatted:
            for row, obj in new:
                new_points.extend(self._points(row, obj, set(), set(), now))
        changed_objects: list[Any] = []
        touched: set[int] = set()
        update_fields: set[str] = set()
        relabelled: list[LabelDecision] = []
        if self.updates.rules.overwriting_labels:
            self.updates.load_label_edits(label_edits(stored, self.updates.earliest))
        for row, obj in matched:
            labels = []
            for decision in label_decisions(row, stored.get(obj.pk, {}), self.updates):
                if decision.action == "write":
                    labels.append(decision)
                elif decision.action == "kept_edited":
                    outcome.notices.append(self.updates.kept_notice(row, decision.as_decision()))
            relabelled.extend(labels)
            points = self._points(
                row, obj, existing_points.get(obj.pk, set()), primaries.get(obj.pk, set()), now
            )
            new_points.extend(points)
            if points or labels:
                touched.add(obj.pk)
            changed = self._apply(row, obj, points, outcome)
            if changed:
                update_fields |= changed
                changed_objects.append(obj)
                touched.add(obj.pk)
        if new_points:
            bulk.insert_values(ContactPoint, new_points, now=now)
            bulk.insert_history_values(
                ContactPoint, new_points, user=self.actor, reason=self.reason, date=now
            )
        labels_write(relabelled, user=self.actor, reason=self.reason, now=now)
        if changed_objects:
            self.model.objects.bulk_update(changed_objects, sorted(update_fields))
            versioned = [o for o in changed_objects if getattr(o, "_import_versioned", False)]
            if versioned:
                bulk.insert_history(
                    self.model,
                    versioned,
                    update=True,
                    user=self.actor,
                    reason=self.reason,
                    date=now,
                )
        touched |= self._tags(new, matched)
        if self.is_people:
            touched |= self._memberships(new, matched)
            touched |= self._consents(new, matched, now, outcome)
        outcome.updated += len(touched)
        outcome.unchanged += len(matched) - len(touched)

    def _write_organisations(self, rows: list[PreparedRow], outcome: Outcome) -> None:
        """Rows of a people import that name an organisation and no person (a company's card
        in a phone's contacts). The organisation the importer may see with the row's external
        id, else its name, gets the row's contact points it lacks (or the row is rejected when
        they may not change it); otherwise the organisation is created through the customers
        services. People's memberships later in the import join it."""
        from django.core.exceptions import ValidationError

        organisations = (
            Organisation.objects.visible_to(self.actor) if self.restrict else Organisation.objects
        )
        for row in rows:
            points = [
                {k: v for k, v in contact.items() if k != "value_normalized"}
                for contact in row.contacts
            ]
            existing = None
            if row.external_id:
                existing = organisations.filter(external_id=row.external_id).first()
            if existing is None:
                existing = (
                    organisations.filter(name__iexact=row.organisation).order_by("id").first()
                )
            key = row.organisation.lower()
            try:
                with transaction.atomic():
                    if existing is None:
                        taken = bool(row.external_id) and (
                            Organisation.objects.filter(external_id=row.external_id).exists()
                        )
                        created = organisation_create(
                            actor=self.actor,
                            name=row.organisation,
                            owner=self.default_owner_id,
                            team=self.default_team_id,
                            external_id=None if taken else row.external_id,
                            tags=row.tags or None,
                            contact_points=points,
                        )
                        self.organisation_ids[key] = created.pk
                        self.created_cache_keys.append((self.organisation_ids, key))
                        outcome.created += 1
                        outcome.written(row)
                        continue
                    self.organisation_ids.setdefault(key, existing.pk)
                    if self.restrict and not (
                        Organisation.objects.visible_to(self.actor, "change")
                        .filter(pk=existing.pk)
                        .exists()
                    ):
                        outcome.reject(row, str(MATCHES_UNCHANGEABLE))
                        continue
                    before = existing.contact_points.count()
                    overwriting = self.updates.rules.overwriting_labels
                    relabelled = False
                    for point in points:
                        stored = contact_point_add(owner=existing, actor=self.actor, **point)
                        relabelled |= label_fill(stored, point, overwriting, actor=self.actor)
            except ValidationError as error:
                outcome.reject(row, " ".join(error.messages))
                continue
            outcome.written(row)
            if existing.contact_points.count() > before or relabelled:
                outcome.updated += 1
            else:
                outcome.unchanged += 1

    def _build(self, row: PreparedRow, now: dt.datetime, *, owner_only: bool = False) -> NewRecord:
        """The new record's values; with `owner_only` just its owner and team (the rest of its
        row was formatted by the preparing worker)."""
        values: dict[str, Any]
        if owner_only:
            # Only a row with an owner or team column has them among its fields
            # (RowPreparer.resolve); the fields of a row sent back by a worker stay packed otherwise.
            values = (
                {"owner_id": row.fields.get("owner_id"), "team_id": row.fields.get("team_id")}
                if row.owner_text or row.team_text
                else {"owner_id": None, "team_id": None}
            )
        else:
            values = new_record_values(row)
            values["created_at"] = now
        if values.get("owner_id") is None:
            values["owner_id"] = self.default_owner_id
            if values.get("team_id") is None:
                values["team_id"] = self.default_team_id
        if self.team_is_chosen and not row.team_text:
            values["team_id"] = self.default_team_id
        # search_name, primary_email and primary_phone were computed by RowPreparer.
        return NewRecord(values)

    def _points(
        self,
        row: PreparedRow,
        obj: Any,
        existing: set[tuple[str, str]],
        primaries: set[str],
        now: dt.datetime,
    ) -> list[dict[str, Any]]:
        """The row's contact points the record lacks. `existing` holds the record's points as
        (channel family, normalised value): a number stored as WhatsApp is not added again as
        a phone. Within the row, points are told apart by kind, as for a new record."""
        points: list[dict[str, Any]] = []
        stored = set(existing)
        for contact in row.contacts:
            key = (contact["kind"], contact["value_normalized"])
            if key in existing or (channel_family(key[0]), key[1]) in stored:
                continue
            existing.add(key)
            group = contact_group(contact["kind"])
            point = {
                **contact,
                "is_primary": group not in primaries,
                "created_at": now,
                f"{self.owner_attr}_id": obj.pk,
            }
            primaries.add(group)
            points.append(point)
        return points

    def _apply(
        self,
        row: PreparedRow,
        obj: Any,
        points: list[dict[str, Any]],
        outcome: Outcome | None = None,
    ) -> set[str]:
        """Set the row's values on an existing record as the column policies and later staff
        edits allow; a kept edit is reported as an import notice."""
        changed: set[str] = set()
        custom = dict(obj.custom_fields or {})
        for decision in self.updates.decisions(row, obj):
            if decision.action == "kept_edited" and outcome is not None:
                outcome.notices.append(self.updates.kept_notice(row, decision))
            if decision.action != "write":
                continue
            if decision.field.startswith("cf."):
                custom[decision.field[3:]] = decision.incoming
            else:
                setattr(obj, decision.field, decision.incoming)
                changed.add(decision.field)
        if row.external_id and not obj.external_id:
            obj.external_id = row.external_id
            changed.add("external_id")
        if custom != (obj.custom_fields or {}):
            obj.custom_fields = custom
            changed.add("custom_fields")
        if attention := row.needs_attention:
            # Added to what the record already needs; a value already listed is not repeated.
            current = list(obj.needs_attention or [])
            listed = {(i.get("field"), i.get("value")) for i in current if isinstance(i, dict)}
            added = [i for i in attention if (i["field"], i["value"]) not in listed]
            if added:
                obj.needs_attention = current + added
                changed.add("needs_attention")
        if changed & {"first_name", "middle_name", "last_name", "name"}:
            obj.search_name = (
                person_search_name(obj) if self.is_people else search_key(obj.name)[:400]
            )
            changed.add("search_name")
        if changed:
            obj.version += 1
            obj.updated_at = timezone.now()
            obj._import_versioned = True
            changed |= {"version", "updated_at"}
        if self.is_people:
            # A person without a primary email (phone) takes the first one the row adds.
            email, phone = primary_email_and_phone(points)
            if email and not obj.primary_email:
                obj.primary_email = email
                changed.add("primary_email")
            if phone and not obj.primary_phone:
                obj.primary_phone = phone
                changed.add("primary_phone")
        return changed

    def _tags(
        self, new: list[tuple[PreparedRow, NewRecord]], matched: list[tuple[PreparedRow, Any]]
    ) -> set[int]:
        through: Any = self.model.tags.through  # Person's or Organisation's: one of two types
        owner_field = f"{self.owner_attr}_id"
        wanted: list[tuple[int, int]] = []
        for row, obj in [*new, *matched]:
            wanted.extend((obj.pk, self._tag_id(name)) for name in row.tags)
        if not wanted:
            return set()
        matched_ids = [obj.pk for row, obj in matched if row.tags]
        existing = set(
            through.objects.filter(**{f"{owner_field}__in": matched_ids}).values_list(
                owner_field, "tag_id"
            )
        )
        missing = [pair for pair in dict.fromkeys(wanted) if pair not in existing]
        through.objects.bulk_create(
            [through(**{owner_field: owner_id, "tag_id": tag_id}) for owner_id, tag_id in missing],
            ignore_conflicts=True,
        )
        matched_set = {obj.pk for _row, obj in matched}
        return {owner_id for owner_id, _tag in missing if owner_id in matched_set}

    def _memberships(
        self, new: list[tuple[PreparedRow, NewRecord]], matched: list[tuple[PreparedRow, Any]]
    ) -> set[int]:
        rows = [(row, obj) for row, obj in [*new, *matched] if row.organisation]
        if not rows:
            return set()
        matched_ids = [obj.pk for row, obj in matched if row.organisation]
        existing: dict[tuple[int, int], Membership] = {}
        has_primary: set[int] = set()
        for membership in Membership.objects.filter(person_id__in=matched_ids):
            existing[(membership.person_id, membership.organisation_id)] = membership
            if membership.is_primary:
                has_primary.add(membership.person_id)
        created: list[Membership] = []
        touched: set[int] = set()
        matched_set = {obj.pk for _row, obj in matched}
        for row, obj in rows:
            organisation_id = self._organisation_id(row.organisation)
            current = existing.get((obj.pk, organisation_id))
            if current is None:
                created.append(
                    Membership(
                        person_id=obj.pk,
                        organisation_id=organisation_id,
                        role=row.role,
                        is_primary=obj.pk not in has_primary,
                    )
                )
                has_primary.add(obj.pk)
                if obj.pk in matched_set:
                    touched.add(obj.pk)
            elif (
                row.role
                and obj.pk in matched_set
                and self.updates.writes(row, obj.pk, "role", current.role, row.role)
            ):
                Membership.objects.filter(pk=current.pk).update(role=row.role)
                touched.add(obj.pk)
        Membership.objects.bulk_create(created, ignore_conflicts=True)
        return touched

    def _consents(
        self,
        new: list[tuple[PreparedRow, NewRecord]],
        matched: list[tuple[PreparedRow, Any]],
        now: dt.datetime,
        outcome: Outcome,
    ) -> set[int]:
        created: list[Consent] = []
        for row, obj in new:
            for purpose, status in row.consents:
                created.append(
                    Consent(
                        person_id=obj.pk,
                        purpose=purpose,
                        status=status,
                        method=ConsentMethod.IMPORT,
                        recorded_at=now,
                        recorded_by=self.actor,
                    )
                )
        if created:
            bulk.insert(Consent, created)
            bulk.insert_history(Consent, created, user=self.actor, reason=self.reason, date=now)
        touched: set[int] = set()
        with_consents = [(row, obj) for row, obj in matched if row.consents]
        if with_consents:
            current = {
                (c.person_id, c.purpose): c.status
                for c in Consent.objects.filter(person_id__in=[o.pk for _r, o in with_consents])
            }
            for row, obj in with_consents:
                for purpose, status in row.consents:
                    name, was = f"consent.{purpose}", current.get((obj.pk, purpose))
                    if self.updates.writes(row, obj.pk, name, was, status, outcome.notices):
                        consent_record(
                            person=obj,
                            purpose=purpose,
                            status=status,
                            method=ConsentMethod.IMPORT,
                            actor=self.actor,
                        )
                        touched.add(obj.pk)
        return touched


def write_batch(
    writer: BatchWriter,
    rows: list[PreparedRow],
    *,
    required_custom: list[str],
    dry_run: bool,
    record: Callable[[Outcome], None],
    staged: StagedBatch | None = None,
) -> Outcome:
    """One batch in one transaction (rolled back for a dry run). If the database refuses the
    batch (a concurrent writer took an external id, say), each row is retried on its own so only
    the bad rows are rejected. `record(outcome)` stores counters and rejections — inside the
    batch's transaction for a real run, so a resumed task never counts a batch twice. A batch
    `staged` ahead (`BatchWriter.stage`) is written as staged unless a record it matches has
    changed since."""
    from django.db import DatabaseError

    def attempt(isolate: bool) -> Outcome:
        outcome = Outcome()
        outermost = not transaction.get_connection().in_atomic_block
        with transaction.atomic():
            if outermost:  # inside a caller's transaction the setting would last until its end
                bulk.commit_without_waiting()
            if isolate:
                for row in rows:
                    single = Outcome()
                    try:
                        with transaction.atomic():
                            writer.write([row], single, required_custom=required_custom)
                    except DatabaseError as error:
                        writer.forget_created()
                        single = Outcome()
                        single.reject(
                            row,
                            _("The database refused this row: %(error)s")
                            % {"error": str(error).splitlines()[0][:300]},
                        )
                    else:
                        writer.keep_created()
                    outcome.merge(single)
            else:
                writer.write(rows, outcome, required_custom=required_custom, staged=staged)
            if dry_run:
                transaction.set_rollback(True)
            else:
                record(outcome)
        if dry_run:
            writer.forget_created()
            record(outcome)
        else:
            writer.keep_created()
        return outcome

    try:
        return attempt(isolate=False)
    except DatabaseError:
        writer.forget_created()
        return attempt(isolate=True)
