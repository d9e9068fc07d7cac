"""Markdown to safe HTML: markdown-it with raw HTML off (CommonMark, tables), then nh3 keeps
only the tags and attributes an article needs; links get rel="noopener nofollow"."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}


def render(markdown: str) -> str:
    """Safe HTML for an article's Markdown."""
    html = _markdown.render(markdown or "")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener nofollow",
    )


def excerpt(markdown: str, length: int = 200) -> str:
    """The first words as plain text (search results)."""
    text = nh3.clean(_markdown.render(markdown or ""), tags=set())
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"
