"""The REST API at /api/v1/: one NinjaAPI, one router per app, one error contract (RFC 9457)."""

from ninja import NinjaAPI

api = NinjaAPI(title="Centric API", version="1", urls_namespace="api")
