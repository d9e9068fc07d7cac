"""The demo business: a believable Lagos retailer, generated deterministically (`centric demo`).

An app of its own, above every domain app (it fills them with data); `core` knows nothing of it.
The generator is `centric.demo.generator`.
"""
