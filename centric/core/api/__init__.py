"""The in-house framework for the REST API: authentication, RFC 9457 errors, cursor pages, idempotency.

Apps define routers in `centric/<app>/api.py` (an `api/` package split by sub-domain once it
grows); `centric/api.py` mounts them under /api/v1/. How an endpoint is written (see the
`centric/customers/api/` package for the full pattern):

- Reads go through the app's selectors, i.e. through `Model.objects.visible_to(user, action)`.
  A record the user may not see raises DoesNotExist -> 404, the same body as a missing id.
- On a collection (list, create), `permissions.require_model_perm(user, Model, "view"|"add")`
  first (403 when the role lacks it). On one record, find it through the visibility rule first
  (404 when it is not visible, also when the role lacks the view permission), then
  `require_model_perm(..., "change"|"delete")` and `permissions.require_change(user, record)`
  (403 + a `permission_denied` audit event); pages answer the same (decision 0045).
- Writes call the app's services; their Django ValidationError (message_dict) and
  ApplicationError subclasses become problem+json via `errors.install` (no try/except needed).
- Creates run inside `idempotency.idempotent(request, create)`, where `create()` returns
  `(status, json_text)` built with `render.to_json(Schema, obj)`; the stored replay shares the
  create's transaction.
- Lists return `pagination.page_body(pagination.page_of(qs, ordering=..., cursor=..., limit=...))`
  with a `{"items", "next_cursor", "previous_cursor"}` schema; `ordering` must end in a unique
  column; list querysets use select_related/prefetch_related so the query count is fixed.
- Input schemas forbid unknown fields and bound every string (model max_length), integer
  (`types.Id`) and moment (`types.Moment`), so bad input is a 422, never a 500.
"""
