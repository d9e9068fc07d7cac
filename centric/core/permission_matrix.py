"""The permission matrix: every registered record type's pages and API, tried by every kind of
actor, generated from the record kit's registry (test kit only; the tests are in
`centric/core/tests/test_permission_matrix.py`).

How a record type gets covered
------------------------------
Register it (see `centric.core.records`) with

- `url_names`: the pages, by role — "list", "create", "detail", "update", "delete", "history"
  (each optional; the record pages take the primary key as their one URL argument);
- `api_path`: its API collection under /api/v1 (e.g. "/people"); the matrix reads the OpenAPI
  document for the record's own path (`/api/v1/people/{id}`), its methods and a `/history`;
- `test_factory`: the dotted path of `make(*, owner, team=None, **fields)` that creates one record
  through the record type's services (e.g. `centric.customers.testing.make_person`).

Nothing else: no test is written per record type. A registered record type with owned visibility
and no `test_factory` fails the matrix with a message saying what to declare; one whose
visibility is derived from a parent (an interaction) is covered through its parent.

What it asserts
---------------
Actors, each in a role made of exactly the permissions it names (on every registered record type,
as the default roles are): anonymous; signed in without any permission; "other team" (view, add,
change, in another team); "same team" and the record's "owner" (view, add, change); "read only"
(view) and "full" (view, add, change, delete), both in the owner's team. The record type's
visibility level is the default, "team".

One expected outcome per actor and action, the same for pages and API (that is what "pages and
API refuse the same things" means here): signed out — the page redirects to sign-in, the API
answers 401; a record one may not see — 404 on both, the same body as a missing id on the API;
a known record one may not change or delete — 403 on both, the record unchanged; a collection
(list, create) without its permission — 403 on both. Delete needs the delete permission on both.
Lists show exactly what one may see. A list page and the API list make as many queries with six
records as with two (no N+1), without hard-coded numbers.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centric.core.records import RECORD_ACTIONS, DerivedFrom, RecordType, registry
from centric.core.visibility import DEFAULT_LEVEL, policy_level

API_PREFIX = "/api/v1"
# The pages the matrix tries (other url_names, e.g. "bulk", are not tried yet).
PAGE_NAMES = ("list", "create", "detail", "update", "delete", "history")


# --- Which record types, and what they must declare -------------------------------------------


def is_derived(record_type: RecordType) -> bool:
    return isinstance(record_type.visibility, DerivedFrom)


def covered_record_types() -> list[RecordType]:
    """Record types the matrix runs on: owned ones that declare pages, an API or a factory."""
    return [
        rt
        for rt in registry.record_types()
        if not is_derived(rt) and (rt.url_names or rt.api_path or rt.test_factory)
    ]


def declaration_problems(record_type: RecordType) -> list[str]:
    """What a registration lacks for the matrix to cover it (empty when nothing)."""
    if is_derived(record_type):
        return []  # covered by the record it derives its visibility from
    problems = []
    if not record_type.test_factory:
        problems.append(
            f"{record_type.label} is registered with owned visibility but no test_factory: declare "
            "test_factory='<app>.testing.make_<record>' (a function make(*, owner, team=None, "
            "**fields) creating one record through the services) so that the permission matrix "
            "covers its pages and API."
        )
    if not (record_type.url_names or record_type.api_path):
        problems.append(
            f"{record_type.label} declares neither url_names nor api_path: the permission matrix "
            "has nothing to try; declare the pages (url_names={'list': ..., 'detail': ...}) "
            "and/or the API collection (api_path='/things')."
        )
    return problems


# --- Actors and what each may do --------------------------------------------------------------


class Outcome(enum.Enum):
    ALLOWED = "allowed"
    SIGNED_OUT = "signed out (page: sign-in redirect, API: 401)"
    HIDDEN = "hidden (404)"
    FORBIDDEN = "forbidden (403)"


ACTORS = ("anonymous", "no_role", "other_team", "same_team", "owner", "read_only", "full")
ACTOR_ACTIONS: dict[str, tuple[str, ...]] = {
    "no_role": (),
    "other_team": ("view", "add", "change"),
    "same_team": ("view", "add", "change"),
    "owner": ("view", "add", "change"),
    "read_only": ("view",),
    "full": RECORD_ACTIONS,
}
SEES_THE_RECORD = {"same_team", "owner", "read_only", "full"}


def expected(actor: str, action: str, *, collection: bool = False) -> Outcome:
    """What `actor` gets for `action` ("view", "add", "change", "delete") on the matrix's record
    (owned by "owner" in the owner's team), or on the collection (list, create)."""
    if actor == "anonymous":
        return Outcome.SIGNED_OUT
    actions = ACTOR_ACTIONS[actor]
    if collection:
        return Outcome.ALLOWED if action in actions else Outcome.FORBIDDEN
    if "view" not in actions or actor not in SEES_THE_RECORD:
        return Outcome.HIDDEN
    return Outcome.ALLOWED if action in actions else Outcome.FORBIDDEN


def page_outcome(response: HttpResponse) -> Outcome | str:
    """The outcome a page response stands for (or a description of an unexpected one)."""
    status = response.status_code
    if status == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL)):
        return Outcome.SIGNED_OUT
    if status == 404:
        return Outcome.HIDDEN
    if status == 403:
        return Outcome.FORBIDDEN
    if status in (200, 302):
        return Outcome.ALLOWED
    return f"status {status}"


def api_outcome(response: HttpResponse) -> Outcome | str:
    status = response.status_code
    if status == 401:
        return Outcome.SIGNED_OUT
    if status == 404:
        return Outcome.HIDDEN
    if status == 403:
        return Outcome.FORBIDDEN
    if status in (200, 201, 204):
        return Outcome.ALLOWED
    return f"status {status}: {response.content[:300]!r}"


def _role(name: str, actions: Iterable[str]) -> Any:
    """A role (group) with exactly `actions` on every registered record type and its parts."""
    from django.contrib.auth.models import Group, Permission

    wanted = {
        (model._meta.app_label, f"{action}_{model._meta.model_name}")
        for rt in registry.record_types()
        for model in rt.covered_models
        for action in actions
    }
    group, _created = Group.objects.get_or_create(name=name)
    permissions = [
        permission
        for permission in Permission.objects.select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    group.permissions.set(permissions)
    return group


@dataclass
class Matrix:
    """The actors, their clients and the record under test, for one record type."""

    record_type: RecordType
    users: dict[str, Any]
    pages: dict[str, Client]
    api: dict[str, Client]
    owner: Any
    team: Any
    other_team: Any
    schema: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        record_type: RecordType,
        *,
        make_user: Callable[..., Any],
        make_team: Callable[..., Any],
        roles: dict[str, Any],
        api_client: Callable[[Any], Client],
    ) -> Matrix:
        """Actors through the staff fixtures (`make_user` reads its roles from `roles`)."""
        for actor, actions in ACTOR_ACTIONS.items():
            if actions:
                roles.setdefault(f"Matrix {actor}", _role(f"Matrix {actor}", actions))
        team, other_team = make_team("Matrix team"), make_team("Matrix other team")
        users: dict[str, Any] = {"anonymous": None}
        for actor, actions in ACTOR_ACTIONS.items():
            users[actor] = make_user(
                f"matrix_{actor}",
                role=f"Matrix {actor}" if actions else None,
                team=other_team if actor == "other_team" else team,
            )
        pages, api = {"anonymous": Client()}, {"anonymous": Client()}
        for actor in ACTOR_ACTIONS:
            pages[actor] = Client()
            pages[actor].force_login(users[actor])
            api[actor] = api_client(users[actor])
        matrix = cls(record_type, users, pages, api, users["owner"], team, other_team)
        if record_type.api_path:
            response = api["full"].get(f"{API_PREFIX}/openapi.json")
            assert response.status_code == 200, response.content[:300]
            matrix.schema = response.json()
        return matrix

    def make(self, **fields: Any) -> models.Model:
        """A record owned by the owner, in the owner's team."""
        record: models.Model = self.record_type.make(owner=self.owner, team=self.team, **fields)
        return record

    def check_preconditions(self) -> None:
        from centric.core.cache import forget
        from centric.core.models import VisibilityPolicy
        from centric.core.visibility import default_level, record_type_of

        label = record_type_of(self.record_type.model)
        if default_level(label) != DEFAULT_LEVEL:
            # A type read by everyone by default (the knowledge base): the matrix checks the
            # owner-and-team rule it has when the business chooses the team's level.
            VisibilityPolicy.objects.update_or_create(
                record_type=label, defaults={"level": DEFAULT_LEVEL}
            )
            forget("visibility:")
        level = policy_level(self.record_type.model)
        assert level == DEFAULT_LEVEL, (
            f"the matrix assumes the default visibility level {DEFAULT_LEVEL!r}, not {level!r}"
        )

    # --- pages -------------------------------------------------------------------------------

    def page_url(self, name: str, record: models.Model | None = None) -> str | None:
        url_name = self.record_type.url_names.get(name)
        if not url_name:
            return None
        return reverse(url_name, args=[record.pk] if record is not None else [])

    def update_form_data(self, record: models.Model) -> dict[str, Any]:
        """The edit form's current values, as a browser would post them back unchanged."""
        url = self.page_url("update", record)
        assert url is not None, "no edit page"
        # The test client's response, with the templates' contexts (a list of Context).
        response: Any = self.pages["full"].get(url)
        assert response.status_code == 200, f"edit page for full permission: {response.status_code}"
        form = next(
            (
                value
                for context in response.context
                for value in context.flatten().values()
                if isinstance(value, BaseForm)
            ),
            None,
        )
        assert form is not None, "the edit page's context holds no form"
        return form_data(form)

    # --- API ---------------------------------------------------------------------------------

    def api_list_path(self) -> str:
        return f"{API_PREFIX}{self.record_type.api_path}"

    def _schema_path(self, suffix: str = "") -> tuple[str | None, set[str]]:
        """The OpenAPI path `<collection>/{param}<suffix>` and its methods."""
        pattern = re.compile(
            re.escape(self.api_list_path()) + r"/\{[^/{}]+\}" + re.escape(suffix) + "$"
        )
        for path, operations in self.schema.get("paths", {}).items():
            if pattern.match(path):
                return path, {method.lower() for method in operations}
        return None, set()

    def api_record_methods(self) -> set[str]:
        return self._schema_path()[1]

    def api_record_path(self, record: models.Model | int, suffix: str = "") -> str | None:
        path, _methods = self._schema_path(suffix)
        if path is None:
            return None
        pk = record if isinstance(record, int) else record.pk
        return re.sub(r"\{[^/{}]+\}", str(pk), path)

    def api_history_path(self, record: models.Model | int) -> str | None:
        path, methods = self._schema_path("/history")
        return self.api_record_path(record, "/history") if path and "get" in methods else None

    # --- records -----------------------------------------------------------------------------

    def snapshot(self, record: models.Model) -> dict[str, Any] | None:
        """The record's row as stored (None when gone), to prove a refused change changed nothing."""
        return self.record_type.model._default_manager.filter(pk=record.pk).values().first()


def form_data(form: BaseForm) -> dict[str, Any]:
    """POST data equal to the form's current values (unbound: its initial ones)."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        key = bound.html_name
        if isinstance(value, bool):
            if value:
                data[key] = "on"
            continue
        if value is None:
            data[key] = ""
        elif isinstance(value, list | tuple | set):
            data[key] = [_post_value(item) for item in value]
        else:
            data[key] = _post_value(value)
    return data


def _post_value(value: Any) -> str:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | int | float):
        return str(value)
    return "" if value is None else str(value)


# --- Assertions --------------------------------------------------------------------------------


@dataclass
class Findings:
    """Every mismatch of one matrix run, reported together (one failing test shows the lot)."""

    problems: list[str] = field(default_factory=list)

    def expect(self, what: str, got: Outcome | str, want: Outcome) -> bool:
        if got != want:
            value = got.value if isinstance(got, Outcome) else got
            self.problems.append(f"{what}: expected {want.value}, got {value}")
            return False
        return True

    def check(self, condition: bool, message: str) -> None:
        if not condition:
            self.problems.append(message)

    def assert_none(self, record_type: RecordType) -> None:
        assert not self.problems, f"permission matrix of {record_type.label}:\n" + "\n".join(
            f"- {problem}" for problem in self.problems
        )


def listed(response: HttpResponse, detail_url: str | None) -> bool:
    return f'href="{detail_url}"'.encode() in response.content


def api_listed(response: Any, pk: int) -> bool:
    """Whether the API list response (the test client's, with `json()`) holds the record."""
    body = response.json()
    items = body.get("items", body) if isinstance(body, dict) else body
    return any(isinstance(item, dict) and item.get("id") == pk for item in items)


def count_queries(request: Callable[[], HttpResponse]) -> tuple[int, HttpResponse]:
    """Queries of one request, after a first one that fills the per-process caches."""
    request()
    with CaptureQueriesContext(connection) as captured:
        response = request()
    return len(captured.captured_queries), response


def query_log(captured: list[dict[str, Any]]) -> str:
    return "\n".join(query["sql"][:200] for query in captured)
