"""The record kit's registry: every business record type registers here, once.

A domain app declares its record types in its own `records.py` (found by `autodiscover()`, the
way Django's admin finds `admin.py`), for example::

    register_record(
        Person,
        key="person",
        visibility=OWNED,
        parts=(ContactPoint, Consent, Membership),
        custom_fields=True, tags=True, history=True, timeline=True,
        navigation=NavEntry(_("People"), "customers:person_list", icon="users", position=10),
    )

and whatever else it mounts (`api=RecordApi(...)` with `api_path`, `register_api`, `register_urls`, `register_search`,
`register_panel`). Everything central reads the registry: the visibility settings page, the
default roles' permissions, custom-field targets, the navigation, the API, the URL
configuration, the search box and the detail pages' panels. Adding a record type therefore edits
no central file. `core` imports no domain app: the domains import this module, never the reverse.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.utils.module_loading import autodiscover_modules, import_string

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest
    from django.utils.functional import Promise

    Label = str | Promise
else:
    Label = Any

# The actions a role's permission list is made of, per kind of role.
RECORD_ACTIONS = ("view", "add", "change", "delete")
# The pages `centric.core.kit.pages.record_urls` gives a record type.
KIT_PAGES = ("list", "create", "bulk", "detail", "update", "delete", "history")
# The factory of a record type's REST API (`RecordType.api`).
RECORD_ROUTER = "centric.core.api.records.record_router"


@dataclass(frozen=True)
class Owned:
    """Visibility by the record's own owner and team, at the level the business chooses;
    `default_level` is the level before it chooses (blank: the team's, `DEFAULT_LEVEL`) — a
    knowledge base is read by everyone, written by its authors' teams."""

    configurable: bool = True
    default_level: str = ""


@dataclass(frozen=True)
class DerivedFrom:
    """Visibility taken from a parent record (a deal's customer, a contact point's person).

    `fields` names the foreign keys to registered record types, in order of precedence: the
    first one that is set decides (an interaction about a person follows the person even when it
    also names an organisation).
    """

    fields: tuple[str, ...]


OWNED = Owned()


@dataclass(frozen=True)
class NavEntry:
    """A link in the main navigation."""

    label: Label
    url_name: str
    icon: str = "circle"
    position: int = 100
    # Permission needed to see the link; None means the record type's view permission.
    permission: str | None = None
    # URL prefixes that mark the link as the current page (default: the link's own path).
    current_prefixes: tuple[str, ...] = ()
    # Longer prefixes that belong to another link (e.g. /people/organisations/ under /people/).
    not_current_prefixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Panel:
    """A section of a record's detail page contributed by any app (the timeline, the deals…).

    `context(request, record)` returns the template context, or None to leave the panel out.
    `region` is "main" (the wide column: related records, the timeline) or "side" (the profile
    column, beside the kit's Details card: contact details, consent); side panels placed before
    DETAILS_POSITION come above the Details card.
    """

    key: str
    label: Label
    template: str
    context: Callable[[HttpRequest, models.Model], dict[str, Any] | None]
    position: int = 100
    region: str = "main"


# Where the kit's own Details card stands among a detail page's side panels.
DETAILS_POSITION = 50


@dataclass(frozen=True)
class SearchProvider:
    """One source of the search box's results (people, organisations, deals…).

    `search(user, query, limit)` returns an object with `is_empty` (and, optionally,
    `matched_by`: "phone", "email", "name" or "similar") holding visible records only; `template` renders
    its items of the search box's dropdown (`<li>` elements), `page_template` its section of
    the search page.
    """

    key: str
    label: Label
    search: Callable[[Any, str, int], Any]
    template: str
    page_template: str
    position: int = 100


@dataclass(frozen=True)
class RecordType:
    """What the kit knows about one registered model."""

    model: type[models.Model]
    key: str
    visibility: Owned | DerivedFrom
    parts: tuple[type[models.Model], ...] = ()
    custom_fields: bool = False
    tags: bool = False
    history: bool = False
    timeline: bool = False
    exports: bool = False
    navigation: NavEntry | None = None
    extra_permissions: tuple[str, ...] = ()
    # Roles given fewer actions than the default (e.g. {"Front office": ("view",)}).
    role_actions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # URL names of the record's pages, for links and the generated permission matrix.
    # The record's search name from its values (its name and its searchable custom fields),
    # to rebuild search names when what is searchable changes.
    search_text: Callable[[Any], str] | None = None
    url_names: dict[str, str] = field(default_factory=dict)
    # API path of the record's collection (e.g. "/people"), for the permission matrix.
    api_path: str | None = None
    # Dotted path of a test factory `make(owner=..., team=...)` used by the permission matrix.
    test_factory: str | None = None
    # The kit's declarative pages (`centric.core.kit.pages.RecordPages`) and REST API
    # (`centric.core.api.records.RecordApi`), when the record type uses them.
    pages: Any = None
    api: Any = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def covered_models(self) -> tuple[type[models.Model], ...]:
        """The model and its parts: what the default roles' permissions cover."""
        return (self.model, *self.parts)

    @property
    def has_configurable_visibility(self) -> bool:
        return isinstance(self.visibility, Owned) and self.visibility.configurable

    def permission(self, action: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}.{action}_{opts.model_name}"

    def make(self, **kwargs: Any) -> Model:  # not `models.`: the property above shadows it
        """Build one record through the record type's test factory (test kit only)."""
        if not self.test_factory:
            raise LookupError(f"{self.label} has no test factory")
        factory: Callable[..., Model] = import_string(self.test_factory)
        return factory(**kwargs)


@dataclass(frozen=True)
class ApiMount:
    prefix: str
    router: str  # dotted path, imported when the API is built
    tags: tuple[str, ...]
    # A record type's label when `router` is a factory called with it (the kit's record API).
    record: str | None = None

    def build(self) -> Any:
        """The router to mount."""
        found = import_string(self.router)
        return found(self.record) if self.record is not None else found


@dataclass(frozen=True)
class UrlMount:
    prefix: str
    module: str  # dotted path of a urls module with `app_name`
    position: int = 100


class Registry:
    """The registered record types and the app contributions that go with them."""

    def __init__(self) -> None:
        self._records: dict[str, RecordType] = {}
        self._by_key: dict[str, RecordType] = {}
        self._api: list[ApiMount] = []
        self._urls: list[UrlMount] = []
        self._search: list[SearchProvider] = []
        self._panels: list[tuple[str, Panel]] = []
        self._navigation: list[NavEntry] = []
        self._delete_hooks: list[Callable[[models.Model], Any]] = []
        self._discovered = False
        self._lock = threading.RLock()

    # --- registration ----------------------------------------------------------------------

    def register_record(self, model: type[models.Model], **options: Any) -> RecordType:
        if options.get("pages") is not None and not options.get("url_names"):
            # The kit's pages are named `<key>_<page>` in the app's namespace (record_urls).
            prefix = f"{model._meta.app_label}:{options['key']}"
            options["url_names"] = {page: f"{prefix}_{page}" for page in KIT_PAGES}
        record_type = RecordType(model=model, **options)
        with self._lock:
            existing = self._records.get(record_type.label)
            if existing is not None and existing != record_type:
                raise ValueError(f"{record_type.label} is registered twice")
            clash = self._by_key.get(record_type.key)
            if clash is not None and clash.model is not model:
                raise ValueError(f"record type key {record_type.key!r} is taken by {clash.label}")
            self._records[record_type.label] = record_type
            self._by_key[record_type.key] = record_type
        return record_type

    def register_api(self, prefix: str, router: str, *, tags: tuple[str, ...] = ()) -> None:
        with self._lock:
            if any(mount.prefix == prefix for mount in self._api):
                return
            self._api.append(ApiMount(prefix, router, tags))

    def register_urls(self, prefix: str, module: str, *, position: int = 100) -> None:
        with self._lock:
            if any(mount.module == module for mount in self._urls):
                return
            self._urls.append(UrlMount(prefix, module, position))

    def register_search(self, provider: SearchProvider) -> None:
        with self._lock:
            if all(existing.key != provider.key for existing in self._search):
                self._search.append(provider)

    def register_panel(self, record_label: str, panel: Panel) -> None:
        """Add a panel to the detail page of `record_label`, or of every record type with a
        timeline when `record_label` is "*"."""
        with self._lock:
            if all((label, p.key) != (record_label, panel.key) for label, p in self._panels):
                self._panels.append((record_label, panel))

    def register_navigation(self, entry: NavEntry) -> None:
        """A navigation link that is not a record type's (imports, staff, settings…)."""
        with self._lock:
            if all(existing.url_name != entry.url_name for existing in self._navigation):
                self._navigation.append(entry)

    def register_delete_hook(self, hook: Callable[[models.Model], Any]) -> None:
        """`hook(record)` runs inside the delete service's transaction, before any registered
        record is deleted: for apps that point at any record without a foreign key to cascade
        from (the timeline's links)."""
        with self._lock:
            if hook not in self._delete_hooks:
                self._delete_hooks.append(hook)

    def before_delete(self, record: models.Model) -> None:
        self.autodiscover()
        for hook in self._delete_hooks:
            hook(record)

    def unregister(self, model: type[models.Model]) -> None:
        """Forget a record type (tests that register a throwaway one)."""
        with self._lock:
            record_type = self._records.pop(model._meta.label_lower, None)
            if record_type is not None:
                self._by_key.pop(record_type.key, None)

    # --- reading ---------------------------------------------------------------------------

    def autodiscover(self) -> None:
        """Import every installed app's `records` module (once)."""
        if self._discovered:
            return
        with self._lock:
            if not self._discovered:
                apps.check_apps_ready()
                autodiscover_modules("records")
                self._discovered = True

    def record_types(self) -> list[RecordType]:
        self.autodiscover()
        return list(self._records.values())

    def get(self, model_or_label: type[models.Model] | models.Model | str) -> RecordType:
        """The record type of a model, instance, label ("customers.person") or key ("person")."""
        self.autodiscover()
        if isinstance(model_or_label, str):
            found = self._records.get(model_or_label.lower()) or self._by_key.get(model_or_label)
        else:
            found = self._records.get(model_or_label._meta.label_lower)
        if found is None:
            raise LookupError(f"{model_or_label!r} is not a registered record type")
        return found

    def is_registered(self, model_or_label: type[models.Model] | models.Model | str) -> bool:
        try:
            self.get(model_or_label)
        except LookupError:
            return False
        return True

    def with_custom_fields(self) -> list[RecordType]:
        return [rt for rt in self.record_types() if rt.custom_fields]

    def with_tags(self) -> list[RecordType]:
        return [rt for rt in self.record_types() if rt.tags]

    def timeline_targets(self) -> list[RecordType]:
        return [rt for rt in self.record_types() if rt.timeline]

    def with_configurable_visibility(self) -> list[RecordType]:
        return [rt for rt in self.record_types() if rt.has_configurable_visibility]

    def api_mounts(self) -> list[ApiMount]:
        """The routers apps registered, then the kit's router of every record type that declares
        `api=RecordApi(...)` (at its `api_path`)."""
        self.autodiscover()
        mounts = list(self._api)
        for rt in self._records.values():
            if rt.api is None:
                continue
            if not rt.api_path:
                raise ValueError(f"{rt.label} declares an API without an api_path")
            if any(mount.prefix == rt.api_path for mount in mounts):
                raise ValueError(f"{rt.label}: the API path {rt.api_path!r} is taken")
            mounts.append(ApiMount(rt.api_path, RECORD_ROUTER, (rt.verbose_name_plural,), rt.label))
        return mounts

    def url_mounts(self) -> list[UrlMount]:
        self.autodiscover()
        return sorted(self._urls, key=lambda mount: mount.position)

    def search_providers(self) -> list[SearchProvider]:
        self.autodiscover()
        return sorted(self._search, key=lambda provider: provider.position)

    def panels(self, record_label: str) -> list[Panel]:
        self.autodiscover()
        record_type = self._records.get(record_label)
        found = [
            panel
            for label, panel in self._panels
            if label == record_label or (label == "*" and record_type and record_type.timeline)
        ]
        return sorted(found, key=lambda panel: panel.position)

    def navigation(self) -> list[tuple[NavEntry, str]]:
        """Every navigation link with the permission that shows it, in order."""
        self.autodiscover()
        entries = [
            (rt.navigation, rt.navigation.permission or rt.permission("view"))
            for rt in self._records.values()
            if rt.navigation is not None
        ]
        entries += [(entry, entry.permission or "") for entry in self._navigation]
        return sorted(entries, key=lambda pair: pair[0].position)

    def __iter__(self) -> Iterator[RecordType]:
        return iter(self.record_types())


registry = Registry()

register_record = registry.register_record
register_api = registry.register_api
register_urls = registry.register_urls
register_search = registry.register_search
register_panel = registry.register_panel
register_navigation = registry.register_navigation
register_delete_hook = registry.register_delete_hook
