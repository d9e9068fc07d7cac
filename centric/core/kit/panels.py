"""The registered panels of a page (a record's detail page, or the home page), rendered.

Apps register panels with the record kit (`register_panel`); a page renders the ones that have
something to show its viewer. A detail page splits them into the profile column ("side") and
the wide column ("main"); one panel alone can be re-rendered for htmx (its own pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from centric.core.records import DETAILS_POSITION, Panel, registry


@dataclass
class RenderedPanel:
    panel: Panel
    html: SafeString


def render_panel(request: HttpRequest, panel: Panel, record: Any) -> RenderedPanel | None:
    """One panel with its own context, or None when it has nothing for this viewer."""
    context = panel.context(request, record)
    if context is None:
        return None
    context = {"panel": panel, "record": record, **context}
    html = mark_safe(render_to_string(panel.template, context, request=request))  # noqa: S308 - our own template's output
    return RenderedPanel(panel, html)


def panels_for(request: HttpRequest, label: str, record: Any = None) -> list[RenderedPanel]:
    """The registered panels of `label` that have something to show this user, in order."""
    rendered = (render_panel(request, panel, record) for panel in registry.panels(label))
    return [item for item in rendered if item is not None]


@dataclass
class DetailPanels:
    """A detail page's panels by place: side panels above and below the Details card, and the
    wide column's."""

    side_before: list[RenderedPanel]
    side_after: list[RenderedPanel]
    main: list[RenderedPanel]


def detail_panels(request: HttpRequest, label: str, record: Any) -> DetailPanels:
    rendered = panels_for(request, label, record)
    side = [item for item in rendered if item.panel.region == "side"]
    return DetailPanels(
        side_before=[item for item in side if item.panel.position < DETAILS_POSITION],
        side_after=[item for item in side if item.panel.position >= DETAILS_POSITION],
        main=[item for item in rendered if item.panel.region != "side"],
    )


def panel_named(label: str, key: str) -> Panel | None:
    return next((panel for panel in registry.panels(label) if panel.key == key), None)
