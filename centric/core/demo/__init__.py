"""The demo business: a believable Lagos retailer, generated deterministically (`centric demo`)."""

from centric.core.demo.generator import (  # noqa: F401
    DEMO_PASSWORD,
    DEMO_STAFF,
    demo_is_loaded,
    load_demo,
    remove_demo,
)

__all__ = ["DEMO_PASSWORD", "DEMO_STAFF", "demo_is_loaded", "load_demo", "remove_demo"]
