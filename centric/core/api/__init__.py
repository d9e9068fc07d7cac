"""The in-house framework for the REST API: authentication, RFC 9457 errors, cursor pages, idempotency.

Apps define their routers in `centric/<app>/api.py` with these helpers; `centric/api.py` mounts them.
"""
