"""A tiny per-process cache for rarely changing rows read on every request (visibility policy,
the team tree). Entries live a few seconds (CENTRIC_HOT_CACHE_SECONDS; 0 turns it off, as in
tests) and are dropped in this process as soon as the rows change here."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings

_entries: dict[str, tuple[float, Any]] = {}
_lock = threading.Lock()


def remember(key: str, loader: Callable[[], Any]) -> Any:
    lifetime = getattr(settings, "CENTRIC_HOT_CACHE_SECONDS", 0)
    if lifetime <= 0:
        return loader()
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
    value = loader()
    with _lock:
        _entries[key] = (now + lifetime, value)
    return value


def forget(prefix: str = "") -> None:
    with _lock:
        for key in [k for k in _entries if k.startswith(prefix)]:
            del _entries[key]
