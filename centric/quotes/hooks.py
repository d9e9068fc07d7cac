"""What other apps do when a quote is accepted (orders makes the order), without quotes
importing them: each registers a function called in the accepting transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_on_accepted: list[Callable[[Any, Any], Any]] = []


def on_quote_accepted(hook: Callable[[Any, Any], Any]) -> None:
    if hook not in _on_accepted:
        _on_accepted.append(hook)


def quote_accepted(quote: Any, actor: Any) -> None:
    from centric.core.records import registry

    registry.autodiscover()
    for hook in _on_accepted:
        hook(quote, actor)
