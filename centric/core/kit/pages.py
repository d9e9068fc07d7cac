"""Declarative pages for a registered record type: list, detail, create, edit, delete, history.

A record type declares them with `RecordPages` in its registration and mounts them with
`record_urls(Model)` in its app's urls.py. Every page reads through the one visibility rule
(`Model.objects.visible_to(user, action)`): 404 for a record one may not see, 403 only for a
known record one may not change or delete; writes go through the record type's services, whose
errors come back next to the inputs; a stale version is a 409 that keeps the user's input.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centric.core.errors import ApplicationError, ConcurrentEditError
from centric.core.htmx import render_page, wants_partial
from centric.core.kit.features import features
from centric.core.kit.filters import filter_owner, filter_tag, filter_text
from centric.core.kit.forms import RecordForm, record_form_class, staff_named, tag_names
from centric.core.kit.history import HistoryEntry, history_entries
from centric.core.kit.panels import detail_panels, panel_named, render_panel
from centric.core.pagination import keyset_page_or_errors
from centric.core.records import RecordType, registry

if TYPE_CHECKING:
    from django.utils.functional import Promise

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
# Counting every visible row of a million-row table on each page view is what makes lists slow:
# the total is exact up to this many rows and "more than" beyond.
COUNT_CAP = 10_000
EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class Column:
    """A list column: a model attribute (dotted for related values), its heading, whether it
    links to the record, and the sort key that orders by it."""

    name: str
    label: str | Promise
    link: bool = False
    sort: str | None = None


@dataclass(frozen=True)
class DetailAction:
    """A button of a record's detail page besides history/edit/delete (e.g. "vCard")."""

    label: str | Promise
    url: str
    icon: str = ""


@dataclass(frozen=True)
class ListFilter:
    """A filter of the list page beyond search, owner and tag, read from the link
    (`/sales/deals/?stage=4`): the links of reports and panels land on the rows they count.
    `apply(queryset, value)` narrows the rows, raising ValidationError for a value it cannot
    read."""

    name: str
    label: str | Promise
    apply: Callable[[QuerySet[Any], str], QuerySet[Any]]


@dataclass(frozen=True)
class RecordServices:
    """The record type's typed services, the one write path: `create(actor=..., **values)`,
    `update(record, actor=..., expected_version=..., **values)`, `delete(record, actor=...)`."""

    create: Callable[..., models.Model]
    update: Callable[..., models.Model]
    delete: Callable[..., None]


@dataclass(frozen=True)
class RecordPages:
    """What a record type's pages show and how they write."""

    services: RecordServices
    columns: tuple[Column, ...]
    form_fields: tuple[str, ...]
    detail_fields: tuple[str, ...] = ()
    # sort key -> ordering ending in a unique column (keyset pages)
    sorts: dict[str, list[str]] = field(
        default_factory=lambda: {"-created": ["-created_at", "-id"]}
    )
    default_sort: str = "-created"
    # Fields the list's text box searches (case-insensitive "contains" on each).
    search_fields: tuple[str, ...] = ()
    related: tuple[str, ...] = ("owner", "team")
    # A record type's own form (a RecordForm, or any form with the same protocol: built with
    # `(data, instance=record)`, giving `service_values()` and `add_service_errors(error)`),
    # instead of the one made of `form_fields`.
    form_class: type[Any] | None = None
    # Templates extending the kit's ("list", "detail", "form", "history", "delete"), by page.
    templates: dict[str, str] = field(default_factory=dict)
    # The detail page's record with what its panels show prefetched: `(user, pk)`, raising the
    # model's DoesNotExist for a record the user may not see (default: the visible row with
    # `related`).
    detail_record: Callable[[Any, int], Any] | None = None
    # Where a record the user may see now lives (a merged-away person's survivor): `(user, pk)`
    # -> the pk to redirect to, or None (then the page is a 404).
    forwarding: Callable[[Any, int], int | None] | None = None
    # The Details card's rows `(label, value)` when they are more than `detail_fields` (rows
    # shown only when set, values built from several fields).
    profile: Callable[[Any], list[tuple[Any, Any]]] | None = None
    # The history page's entries when the record has parts with their own history (a person's
    # contact points); default: the record's own field history.
    history: Callable[[Any], list[HistoryEntry]] | None = None
    # Buttons of the detail page besides history, edit and delete: `(request, record)`.
    actions: Callable[[HttpRequest, Any], list[DetailAction]] | None = None
    # Buttons of the list page besides "New …" (an import, an export): `(request)`.
    list_actions: Callable[[HttpRequest], list[DetailAction]] | None = None
    # The list's own filters, by query parameter name.
    filters: tuple[ListFilter, ...] = ()
    # Up to how many rows the list counts exactly (then "more than"). A LIMIT far below the
    # rows a filter matches makes PostgreSQL bet on a sequential scan stopping early; where the
    # matching rows sit at the table's end (open tickets: the newest) it reads the whole table
    # first. A record type whose queues are a slice of a big table counts them through its
    # partial indexes by setting this above the slice.
    count_cap: int | None = None  # None: COUNT_CAP

    def template(self, page: str) -> str:
        return self.templates.get(page, f"kit/{page}.html")


# --- helpers -----------------------------------------------------------------------------------


def _pages(record_type: RecordType) -> RecordPages:
    pages: RecordPages | None = record_type.pages
    if pages is None:
        raise LookupError(f"{record_type.label} declares no pages")
    return pages


def _url(record_type: RecordType, action: str, *args: Any) -> str:
    return reverse(record_type.url_names[action], args=args)


def visible(record_type: RecordType, user: Any, action: str = "view") -> QuerySet[Any]:
    return record_type.model._default_manager.visible_to(user, action)  # type: ignore[attr-defined, no-any-return]  # a kit model's manager is a VisibleManager


def record_or_404(record_type: RecordType, user: Any, pk: int) -> models.Model:
    try:
        record: models.Model = (
            visible(record_type, user).select_related(*_pages(record_type).related).get(pk=pk)
        )
        return record
    except record_type.model.DoesNotExist:  # type: ignore[attr-defined]  # every concrete model has it
        raise Http404(_("No such record.")) from None


def record_for(record_type: RecordType, user: Any, pk: int, action: str) -> models.Model:
    """A record the user may `action` ("change"/"delete"): 404 when they may not even see it,
    403 when they may see but not do it."""
    record = record_or_404(record_type, user, pk)
    if action == "delete":
        allowed = user.has_perm(record_type.permission("delete")) and (
            visible(record_type, user, "change").filter(pk=pk).exists()
        )
    else:
        allowed = visible(record_type, user, action).filter(pk=pk).exists()
    if not allowed:
        raise PermissionDenied
    return record


def may_change(request: HttpRequest, record: Any) -> bool:
    """Whether the viewer may change `record`: asked once per page, however many panels ask."""
    cached: bool | None = getattr(record, "_kit_may_change", None)
    if cached is None:
        manager = type(record)._default_manager
        cached = manager.visible_to(request.user, "change").filter(pk=record.pk).exists()
        record._kit_may_change = cached
    return bool(cached)


def page_size(request: HttpRequest) -> int:
    """The list page size the request asks for, one of PAGE_SIZES (else the default)."""
    try:
        size = int(request.GET.get("size", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def capped_count(queryset: QuerySet[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows, exact up to `cap` (then "more than cap"): a bounded index scan."""
    counted = queryset.order_by()[: cap + 1].count()
    return min(counted, cap), counted > cap


def filtered_list(
    record_type: RecordType, user: Any, params: Any
) -> tuple[QuerySet[Any], list[str]]:
    """The visible rows the list's parameters select, and their ordering."""
    pages = _pages(record_type)
    queryset = visible(record_type, user).select_related(*pages.related)
    queryset = filter_text(queryset, pages.search_fields, params.get("q"))
    queryset = filter_owner(queryset, params.get("owner"), user)
    if record_type.tags:
        queryset = filter_tag(queryset, params.get("tag"))
    for list_filter in pages.filters:
        value = (params.get(list_filter.name) or "").strip()[:200]
        if value:
            queryset = list_filter.apply(queryset, value)
    sort = params.get("sort") or pages.default_sort
    if sort not in pages.sorts:
        raise ValidationError({"sort": _("Unknown sort order.")})
    return queryset, pages.sorts[sort]


def sort_label(key: str) -> str:
    """ "code" -> "Code ↑", "-created" -> "Created ↓"."""
    name = key.lstrip("-").replace("_", " ")
    return f"{capfirst(name)} {'↓' if key.startswith('-') else '↑'}"


def _cell(record: Any, name: str) -> Any:
    value = record
    for part in name.split("."):
        value = getattr(value, part, None)
        if value is None:
            return ""
        if callable(value) and not isinstance(value, models.Model):
            value = value()
    return value


# --- list --------------------------------------------------------------------------------------


@dataclass
class Row:
    record: Any
    cells: list[tuple[Column, Any]]
    url: str


def record_list(request: HttpRequest, record_type: RecordType) -> HttpResponse:
    pages = _pages(record_type)
    user = request.user
    if not user.has_perm(record_type.permission("view")):
        raise PermissionDenied
    errors: list[str] = []
    try:
        queryset, ordering = filtered_list(record_type, user, request.GET)
    except ValidationError as error:
        queryset, ordering, errors = visible(record_type, user).none(), ["-id"], error.messages
    page, page_errors = keyset_page_or_errors(
        queryset, ordering=ordering, cursor=request.GET.get("cursor"), size=page_size(request)
    )
    total, more = capped_count(queryset, pages.count_cap or COUNT_CAP) if not errors else (0, False)
    rows = [
        Row(
            record,
            [(column, _cell(record, column.name)) for column in pages.columns],
            _url(record_type, "detail", record.pk),
        )
        for record in page.items
    ]
    context = {
        "record_type": record_type,
        "pages": pages,
        "title": capfirst(record_type.verbose_name_plural),
        "rows": rows,
        "page": page,
        "total": total,
        "total_is_capped": more,
        "errors": errors + page_errors,
        "current_sort": request.GET.get("sort") or pages.default_sort,
        "sort_choices": [(key, sort_label(key)) for key in pages.sorts],
        "query": request.GET.get("q", ""),
        "owner_filter": request.GET.get("owner", ""),
        "tag_filter": request.GET.get("tag", ""),
        "active_filters": _active_filters(pages, request),
        "can_add": user.has_perm(record_type.permission("add")),
        "can_change": user.has_perm(record_type.permission("change")),
        "can_delete": user.has_perm(record_type.permission("delete")),
        "list_url": _url(record_type, "list"),
        "create_url": _url(record_type, "create"),
        "bulk_url": _url(record_type, "bulk"),
        "list_actions": pages.list_actions(request) if pages.list_actions else [],
    }
    return render_page(request, pages.template("list"), context, partial="table")


def _active_filters(pages: RecordPages, request: HttpRequest) -> list[dict[str, Any]]:
    """The list's own filters in the link, each with the link that drops it."""
    active = []
    for list_filter in pages.filters:
        value = request.GET.get(list_filter.name, "").strip()
        if value:
            rest = request.GET.copy()
            rest.pop(list_filter.name, None)
            rest.pop("cursor", None)
            active.append(
                {
                    "name": list_filter.name,
                    "label": list_filter.label,
                    "value": value,
                    "without": f"?{rest.urlencode()}",
                }
            )
    return active


BULK_ACTIONS = ("change_owner", "add_tag", "delete", "export")


@require_POST
def record_bulk(request: HttpRequest, record_type: RecordType) -> HttpResponseBase:
    """One action on the ticked rows: change owner, add a tag, delete or export. Only rows the
    user may change (or delete) are touched; the others are counted and said so."""
    pages = _pages(record_type)
    user = request.user
    action = request.POST.get("action", "")
    if action not in BULK_ACTIONS:
        messages.error(request, _("Choose what to do with the selected records."))
        return redirect(_url(record_type, "list"))
    try:
        ids = sorted({int(value) for value in request.POST.getlist("ids")})
    except ValueError:
        ids = []
    if not ids:
        messages.error(request, _("Select at least one record."))
        return redirect(_url(record_type, "list"))
    if action == "export":
        return _export(record_type, user, visible(record_type, user).filter(pk__in=ids))
    needed = "delete" if action == "delete" else "change"
    if not user.has_perm(record_type.permission(needed)):
        raise PermissionDenied
    records = list(visible(record_type, user, "change").filter(pk__in=ids).order_by("pk"))
    skipped = len(ids) - len(records)
    if action == "change_owner":
        owner = staff_named((request.POST.get("owner") or "").strip())
        if owner is None or not owner.is_active:
            messages.error(request, _("Choose an active staff member as the new owner."))
            return redirect(_url(record_type, "list"))
        with transaction.atomic():
            for record in records:
                pages.services.update(record, actor=user, owner=owner)
    elif action == "add_tag":
        names = tag_names(request.POST.get("tag", ""))
        if not names or not record_type.tags or features.tags is None:
            messages.error(request, _("Type the tag to add."))
            return redirect(_url(record_type, "list"))
        with transaction.atomic():
            for record in records:
                current = features.tags.names(record)
                pages.services.update(record, actor=user, tags=current + names)
    else:
        with transaction.atomic():
            for record in records:
                pages.services.delete(record, actor=user)
    done = {"done": len(records)}
    if action == "delete":
        messages.success(request, _("%(done)s record(s) deleted.") % done)
    else:
        messages.success(request, _("%(done)s record(s) updated.") % done)
    if skipped:
        messages.warning(
            request,
            _("%(skipped)s selected record(s) were left as they are: you may not change them.")
            % {"skipped": skipped},
        )
    return redirect(_url(record_type, "list"))


class _Echo:
    def write(self, value: str) -> str:
        return value


def _neutralise(value: Any) -> str:
    """A cell a spreadsheet would run as a formula is written as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _export(record_type: RecordType, user: Any, queryset: QuerySet[Any]) -> StreamingHttpResponse:
    if not record_type.exports:
        raise PermissionDenied
    pages = _pages(record_type)
    columns = pages.columns
    writer = csv.writer(_Echo())

    def rows() -> Any:
        yield writer.writerow([str(column.label) for column in columns])
        for record in queryset.select_related(*pages.related).order_by("pk")[:EXPORT_LIMIT]:
            yield writer.writerow([_neutralise(_cell(record, c.name)) for c in columns])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{record_type.key}s.csv"'
    return response


# --- detail, history ---------------------------------------------------------------------------


def _detail_record(record_type: RecordType, user: Any, pk: int) -> Any:
    pages = _pages(record_type)
    if pages.detail_record is None:
        return record_or_404(record_type, user, pk)
    try:
        return pages.detail_record(user, pk)
    except record_type.model.DoesNotExist:  # type: ignore[attr-defined]  # every concrete model has it
        raise Http404(_("No such record.")) from None


def _profile(record_type: RecordType, record: Any) -> list[tuple[Any, Any]]:
    pages = _pages(record_type)
    if pages.profile is not None:
        return pages.profile(record)
    model = record_type.model
    return [
        (
            capfirst(cast("models.Field[Any, Any]", model._meta.get_field(name)).verbose_name),
            _display(record, name),
        )
        for name in pages.detail_fields
    ]


def record_detail(request: HttpRequest, record_type: RecordType, pk: int) -> HttpResponseBase:
    """The record's page: its Details card and every registered panel. `?panel=<key>` from htmx
    renders that panel alone (its next page of related records)."""
    pages = _pages(record_type)
    user = request.user
    try:
        record = _detail_record(record_type, user, pk)
    except Http404:
        survivor = pages.forwarding(user, pk) if pages.forwarding else None
        if survivor is None:
            raise
        messages.info(request, _("This record was merged; you are seeing the combined record."))
        return redirect(_url(record_type, "detail", survivor))
    panel_key = request.GET.get("panel")
    if panel_key and wants_partial(request):
        panel = panel_named(record_type.label, panel_key)
        rendered = render_panel(request, panel, record) if panel else None
        if rendered is None:
            raise Http404(_("No such section."))
        return HttpResponse(rendered.html)
    custom_rows: list[tuple[str, Any]] = []
    if record_type.custom_fields and features.custom_fields is not None:
        custom_rows = features.custom_fields.display(
            record_type.key, getattr(record, "custom_fields", None) or {}
        )
    tags = features.tags.names(record) if record_type.tags and features.tags else []
    panels = detail_panels(request, record_type.label, record)
    context = {
        "record_type": record_type,
        "record": record,
        "title": str(record),
        "profile": _profile(record_type, record),
        "custom_rows": custom_rows,
        "tags": tags,
        "panels": panels.main,
        "side_before": panels.side_before,
        "side_after": panels.side_after,
        "actions": pages.actions(request, record) if pages.actions else [],
        "can_change": may_change(request, record),
        "can_delete": user.has_perm(record_type.permission("delete")),
        "list_url": _url(record_type, "list"),
        "update_url": _url(record_type, "update", pk),
        "delete_url": _url(record_type, "delete", pk),
        "history_url": _url(record_type, "history", pk),
    }
    return render(request, pages.template("detail"), context)


def _display(record: Any, name: str) -> Any:
    getter = getattr(record, f"get_{name}_display", None)
    value = getter() if callable(getter) else getattr(record, name)
    return "" if value is None else value


def record_history(request: HttpRequest, record_type: RecordType, pk: int) -> HttpResponse:
    record = record_or_404(record_type, request.user, pk)
    context = {
        "record_type": record_type,
        "record": record,
        "title": str(record),
        "entries": (_pages(record_type).history or history_entries)(record),
        "detail_url": _url(record_type, "detail", pk),
        "list_url": _url(record_type, "list"),
    }
    return render(request, _pages(record_type).template("history"), context)


# --- create, edit, delete ----------------------------------------------------------------------


def _form_class(record_type: RecordType) -> type[Any]:
    pages = _pages(record_type)
    return pages.form_class or record_form_class(record_type, pages.form_fields)


def _form(record_type: RecordType, user: Any, *args: Any, **kwargs: Any) -> Any:
    """The record type's form; a kit form also gets the user (its record links list only what
    they may see)."""
    form_class = _form_class(record_type)
    if issubclass(form_class, RecordForm):
        kwargs["user"] = user
    return form_class(*args, **kwargs)


def _asked(pages: RecordPages, request: HttpRequest) -> dict[str, str]:
    """Values the link to a form asks for (`?stage=5`: a deal dropped on the lost column opens
    its form with that stage chosen), for the form's own fields only; the form still checks
    them when it is sent."""
    return {name: request.GET[name] for name in pages.form_fields if name in request.GET}


def _save(form: Any, write: Callable[..., models.Model]) -> tuple[models.Model | None, int]:
    """Call the service with the form's values; its errors go next to the inputs. Returns the
    saved record (or None) and the status of the page to show."""
    if not form.is_valid():
        return None, 422
    try:
        return write(**form.service_values()), 200
    except ConcurrentEditError as error:
        form.add_error(None, error.message)
        return None, 409
    except ValidationError as error:
        form.add_service_errors(error)
    except ApplicationError as error:
        form.add_error(None, error.message)
    return None, 422


def record_create(request: HttpRequest, record_type: RecordType) -> HttpResponse:
    user = request.user
    if not user.has_perm(record_type.permission("add")):
        raise PermissionDenied
    pages = _pages(record_type)
    status = 200
    if request.method == "POST":
        form = _form(record_type, user, request.POST)
        record, status = _save(form, lambda **values: pages.services.create(actor=user, **values))
        if record is not None:
            messages.success(request, _("%(record)s was added.") % {"record": record})
            return redirect(_url(record_type, "detail", record.pk))
    else:
        # A new record is its creator's, in the creator's team, unless they choose otherwise.
        form = _form(
            record_type,
            user,
            initial={
                "owner": user.get_username(),
                "team": getattr(user, "team_id", None),
                **_asked(pages, request),
            },
        )
    context = {"record_type": record_type, "form": form, "record": None}
    context.update(_form_context(record_type, None, user))
    return render(request, pages.template("form"), context, status=status)


def record_update(request: HttpRequest, record_type: RecordType, pk: int) -> HttpResponse:
    user = request.user
    record = record_for(record_type, user, pk, "change")
    pages = _pages(record_type)
    status = 200
    if request.method == "POST":
        form = _form(record_type, user, request.POST, instance=record)

        def write(**values: Any) -> models.Model:
            version = form.cleaned_data.get("version")
            return pages.services.update(record, actor=user, expected_version=version, **values)

        saved, status = _save(form, write)
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect(_url(record_type, "detail", pk))
    else:
        form = _form(record_type, user, instance=record, initial=_asked(pages, request))
    context = {"record_type": record_type, "form": form, "record": record}
    context.update(_form_context(record_type, record, user))
    return render(request, pages.template("form"), context, status=status)


def _form_context(record_type: RecordType, record: Any, user: Any) -> dict[str, Any]:
    can_delete = bool(
        record
        and "delete" in record_type.url_names
        and user.has_perm(record_type.permission("delete"))
    )
    return {
        "can_delete": can_delete,
        "delete_url": _url(record_type, "delete", record.pk) if can_delete else None,
        "title": (
            _("Edit %(record)s") % {"record": record}
            if record
            else _("New %(name)s") % {"name": record_type.verbose_name}
        ),
        "list_url": _url(record_type, "list"),
        "cancel_url": _url(record_type, "detail", record.pk) if record else None,
        "plural": capfirst(record_type.verbose_name_plural),
    }


def record_delete(request: HttpRequest, record_type: RecordType, pk: int) -> HttpResponse:
    """A confirmation page (GET), then the deletion (POST); needs the delete permission."""
    user = request.user
    record = record_for(record_type, user, pk, "delete")
    if request.method == "POST":
        name = str(record)
        try:
            _pages(record_type).services.delete(record, actor=user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(_url(record_type, "detail", pk))
        messages.success(request, _("%(record)s was deleted.") % {"record": name})
        return redirect(_url(record_type, "list"))
    context = {
        "record_type": record_type,
        "record": record,
        "title": _("Delete %(record)s") % {"record": record},
        "detail_url": _url(record_type, "detail", pk),
        "list_url": _url(record_type, "list"),
    }
    return render(
        request, _pages(record_type).templates.get("delete", "kit/confirm_delete.html"), context
    )


# --- URLs --------------------------------------------------------------------------------------


def _bind(view: Callable[..., HttpResponseBase], model: type[models.Model]) -> Callable[..., Any]:
    """The view for one record type, looked up in the registry at request time."""

    @login_required
    def bound(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return view(request, registry.get(model), *args, **kwargs)

    bound.__name__ = f"{model._meta.model_name}_{view.__name__}"
    bound.__doc__ = view.__doc__
    return bound


PAGE_VIEWS: dict[str, Callable[..., HttpResponseBase]] = {
    "list": record_list,
    "create": record_create,
    "bulk": record_bulk,
    "detail": record_detail,
    "update": record_update,
    "delete": record_delete,
    "history": record_history,
}


def page_view(model: type[models.Model], page: str) -> Callable[..., Any]:
    """One of the kit's pages of `model` as a view, for an app that mounts some of the kit's
    pages beside views of its own (customers: the kit's create and edit pages)."""
    return _bind(PAGE_VIEWS[page], model)


def record_urls(
    model: type[models.Model], prefix: str = "", without: tuple[str, ...] = ()
) -> list[URLPattern]:
    """The kit's pages of `model` for its app's urls.py, named `<key>_<page>` in the app's
    namespace (e.g. `kit_app:voucher_list`); `without` leaves out pages the app serves with
    views of its own (customers: their lists)."""
    key = registry.get(model).key
    routes = {
        "list": "",
        "create": "new/",
        "bulk": "bulk/",
        "detail": "<int:pk>/",
        "update": "<int:pk>/edit/",
        "delete": "<int:pk>/delete/",
        "history": "<int:pk>/history/",
    }
    return [
        path(f"{prefix}{route}", _bind(PAGE_VIEWS[page], model), name=f"{key}_{page}")
        for page, route in routes.items()
        if page not in without
    ]
