"""Template helpers of the design system: icons, phone formatting, badges, navigation state.

`{% load centric_ui %}` then `{% icon "users" %}` renders an inline <svg> that uses a symbol of
the lucide sprite built by `npm run build` (scripts/build_assets.js collects every icon name
written as `{% icon "name" %}` in a template, so the sprite stays small).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django import template
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from centric.core.normalise import format_phone
from centric.core.workers import worker_missing_notice

register = template.Library()

_ICON_NAME = re.compile(r"^[a-z0-9-]+$")

STAGE_COLOURS = {
    "subscriber": "grey",
    "lead": "blue",
    "qualified": "purple",
    "opportunity": "amber",
    "customer": "green",
    "lost": "red",
    "churned": "red",
}


@functools.cache
def _sprite_url() -> str:
    """The sprite's address, worked out once: a page draws dozens of icons."""
    return static("vendor/lucide/sprite.svg")


@register.simple_tag
def icon(name: str, css_class: str = "", label: str = "") -> str:
    """An icon from the sprite; decorative unless a `label` is given (then it is announced)."""
    if not _ICON_NAME.match(str(name)):
        return ""
    href = f"{_sprite_url()}#{name}"
    classes = f"icon {css_class}".strip()
    if label:
        return format_html(
            '<svg class="{}" role="img" aria-label="{}" focusable="false"><use href="{}"></use></svg>',
            classes,
            label,
            href,
        )
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}"></use></svg>',
        classes,
        href,
    )


_CHOICE_LABELS: dict[tuple[Any, ...], dict[str, str]] = {}


@register.filter
def choice_label(instance: Any, field_name: str) -> str:
    """`{{ entry|choice_label:"kind" }}`: like get_kind_display, with the labels translated once
    per language rather than on every call (a timeline page shows dozens)."""
    key = (type(instance), field_name, get_language())
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        field = instance._meta.get_field(field_name)
        labels = {str(value): str(label) for value, label in field.flatchoices}
        _CHOICE_LABELS[key] = labels
    value = getattr(instance, field_name)
    label: str = labels.get(str(value), value)
    return label


@register.filter
def phone(value: str) -> str:
    """An E.164 number in its readable international form (+234 803 123 4567)."""
    return format_phone(value) if value else ""


@register.filter
def wa_number(value: str) -> str:
    """The digits wa.me links want (no "+", no spaces)."""
    return "".join(ch for ch in str(value or "") if ch.isdigit())


@register.filter
def stage_colour(stage_key: str | None) -> str:
    return STAGE_COLOURS.get(str(stage_key or ""), "grey")


@register.filter
def initials(name: str) -> str:
    parts = [part for part in str(name or "").split() if part]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][:2].upper()
    return (parts[0][0] + parts[-1][0]).upper()


@register.simple_tag(takes_context=True)
def nav_current(context: template.Context, prefix: str, exclude: str = "") -> str:
    """`aria-current="page"` for the navigation link whose section the page is in."""
    request = context.get("request")
    path = getattr(request, "path", "") or ""
    if path.startswith(prefix) and not (exclude and path.startswith(exclude)):
        return format_html('aria-current="{}"', "page")
    return ""


@register.simple_tag(takes_context=True)
def sort_link(context: template.Context, key: str) -> str:
    """The querystring for sorting a list by `key`, toggling the direction when already sorted by it."""
    request: HttpRequest = context["request"]
    current = request.GET.get("sort") or context.get("default_sort", "name")
    target = f"-{key}" if current == key else key
    params = request.GET.copy()
    params["sort"] = target
    params.pop("cursor", None)
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def sort_icon(context: template.Context, key: str) -> str:
    request: HttpRequest = context["request"]
    current = request.GET.get("sort") or context.get("default_sort", "name")
    if current == key:
        return icon("chevron-up")
    if current == f"-{key}":
        return icon("chevron-down")
    return icon("arrow-up-down", "muted")


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, key: str, label: str) -> SafeString:
    """A column heading that sorts the list by `key` (refreshing the table with htmx)."""
    url = sort_link(context, key)
    return format_html(
        '<a href="{}" hx-get="{}" hx-target="#list-region" hx-push-url="true">{} {}</a>',
        url,
        url,
        label,
        sort_icon(context, key),  # our own icon markup, already safe
    )


@register.simple_tag
def stage_badge(record: Any) -> str:
    """The record's lifecycle stage as a coloured badge (nothing when it has none)."""
    stage = getattr(record, "lifecycle_stage", None)
    if stage is None:
        return ""
    return format_html(
        '<span class="badge badge-{}">{}</span>',
        stage_colour(record.lifecycle_stage_id),
        stage.label,
    )


@register.simple_tag
def select(bound_field: Any) -> SafeString:
    """A single <select> rendered in Python: Django's widget templates render one template per
    option, which makes long owner and tag lists slow. Anything unusual (grouped choices, a
    multiple select, extra widget attributes) falls back to the widget."""
    widget = bound_field.field.widget
    choices = list(getattr(bound_field.field, "choices", []))
    grouped = any(isinstance(label, list | tuple) for _value, label in choices)
    if grouped or getattr(widget, "allow_multiple_selected", False) or widget.attrs:
        as_widget: SafeString = bound_field.as_widget()
        return as_widget
    current = "" if bound_field.value() is None else str(bound_field.value())
    attrs = {"name": bound_field.html_name, "id": bound_field.auto_id}
    if (
        bound_field.aria_describedby
    ):  # Django's "<id>_helptext <id>_error", ids partials/field.html gives
        attrs["aria-describedby"] = bound_field.aria_describedby
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == current else "", label)  # noqa: S308
            for value, label in choices
        ),
    )
    attributes = format_html_join("", ' {}="{}"', ((name, value) for name, value in attrs.items()))
    required = mark_safe(" required") if bound_field.field.required else ""  # noqa: S308
    return format_html("<select{}{}>{}</select>", attributes, required, options)


@register.inclusion_tag("core/partials/worker_notice.html")
def worker_notice() -> dict[str, Any]:
    """`{% worker_notice %}` on a queued job's page: says so when no worker will pick it up."""
    return {"notice": worker_missing_notice()}
