"""`Idempotency-Key` for POST: a retried create replays the first response instead of creating twice.

The stored response is written in the same transaction as the create, so a crash between them
cannot leave a record without its replay (or a replay without its record). The same key with a
different request is refused with 422.

Records are kept for CENTRIC_IDEMPOTENCY_DAYS (default 1). An older record no longer replays: its
key is fresh again. Expired records are deleted in batches by `idempotency_records_purge`, which
the worker runs: a write that stores a record enqueues the purge task at most once per
PURGE_EVERY in each process, so nothing needs a cron job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.core.api.errors import problem
from centric.core.api.types import ApiRequest
from centric.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
PURGE_BATCH_SIZE = 1000
PURGE_EVERY = dt.timedelta(hours=1)

_purge_lock = threading.Lock()
_purge_enqueued_at: float | None = None


def retention() -> dt.timedelta:
    return dt.timedelta(days=settings.CENTRIC_IDEMPOTENCY_DAYS)


def expired_before(now: dt.datetime | None = None) -> dt.datetime:
    """Records created before this moment no longer replay."""
    return (now or timezone.now()) - retention()


def idempotency_records_purge(
    *, now: dt.datetime | None = None, batch_size: int = PURGE_BATCH_SIZE
) -> int:
    """Delete expired records, `batch_size` rows per transaction; returns how many went.

    Short transactions keep the table writable while a large backlog is cleared.
    """
    cutoff = expired_before(now)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                IdempotencyRecord.objects.filter(created_at__lt=cutoff)
                .order_by("created_at", "id")
                .values_list("id", flat=True)[:batch_size]
            )
            if ids:
                IdempotencyRecord.objects.filter(id__in=ids).delete()
        deleted += len(ids)
        if len(ids) < batch_size:
            return deleted


def _purge_is_due() -> bool:
    global _purge_enqueued_at
    now = time.monotonic()
    with _purge_lock:
        if (
            _purge_enqueued_at is not None
            and now - _purge_enqueued_at < PURGE_EVERY.total_seconds()
        ):
            return False
        _purge_enqueued_at = now
        return True


def _schedule_purge() -> None:
    if not _purge_is_due():
        return
    from centric.core.tasks import idempotency_purge

    transaction.on_commit(idempotency_purge.enqueue)


def _multipart_fingerprint(request: HttpRequest, digest: Any) -> None:
    """A file upload's fields and files, without reading the body again: Django has already
    streamed it into `request.POST` and `request.FILES` (the raw body is gone, and may be
    larger than memory should hold). Each file counts by its name and its content."""
    for name in sorted(request.POST):
        for value in request.POST.getlist(name):
            digest.update(f"{name}={value}".encode())
            digest.update(b"\0")
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"{name}:{upload.name}:{upload.size}".encode())
            digest.update(b"\0")
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            digest.update(b"\0")


def fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update((request.method or "").encode())
    digest.update(b"\0")
    digest.update(request.path.encode())
    digest.update(b"\0")
    if request.content_type == "multipart/form-data":
        _multipart_fingerprint(request, digest)
        return digest.hexdigest()
    try:
        canonical = json.dumps(json.loads(request.body or b"null"), sort_keys=True).encode()
    except ValueError:
        canonical = request.body
    digest.update(canonical)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        record.response_body, status=record.status_code, content_type=record.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


def _mismatch(request: HttpRequest) -> HttpResponse:
    return problem(
        request,
        422,
        slug="idempotency-key-reused",
        title=_("Idempotency key reused"),
        detail=_(
            "This Idempotency-Key was already used for a different request. "
            "Use a new key for a new request."
        ),
        errors=[{"field": HEADER, "message": _("Already used for a different request.")}],
    )


def _lookup(
    request: HttpRequest, user: Any, key: str, digest: str
) -> tuple[HttpResponse | None, IdempotencyRecord | None]:
    """The answer to replay (or the 422) for a key still within the retention, else None, and
    the expired record with this key if there is one (the caller deletes it: the key is fresh)."""
    record = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if record is None:
        return None, None
    if record.created_at < expired_before():
        return None, record
    if record.request_fingerprint != digest or record.path != request.path[:500]:
        return _mismatch(request), None
    return _replay(record), None


def idempotent(request: ApiRequest, create: Callable[[], tuple[int, str]]) -> HttpResponse:
    """Run `create` (returning status and JSON text) at most once per (user, Idempotency-Key).

    Without the header, `create` simply runs.
    """
    key = request.headers.get(HEADER, "").strip()
    if not key:
        with transaction.atomic():
            status, body = create()
        return HttpResponse(body, status=status, content_type="application/json")
    if len(key) > MAX_KEY_LENGTH:
        return problem(
            request,
            422,
            slug="validation",
            title=_("Invalid input"),
            detail=_("The Idempotency-Key header is too long."),
            errors=[
                {"field": HEADER, "message": _("At most %(n)d characters.") % {"n": MAX_KEY_LENGTH}}
            ],
        )
    user = request.auth
    digest = fingerprint(request)
    earlier, expired = _lookup(request, user, key, digest)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            status, body = create()
            if 200 <= status < 300:
                if expired is not None:
                    # Not purged yet, but past the retention: the key is fresh again.
                    IdempotencyRecord.objects.filter(
                        pk=expired.pk, created_at__lt=expired_before()
                    ).delete()
                _schedule_purge()
                IdempotencyRecord.objects.create(
                    user=user,
                    key=key,
                    method=request.method or "",
                    path=request.path[:500],
                    request_fingerprint=digest,
                    status_code=status,
                    response_body=body,
                )
    except IntegrityError:
        # A concurrent request with the same key won the race; its create stands, ours rolled back.
        earlier, _expired = _lookup(request, user, key, digest)
        if earlier is None:
            raise
        return earlier
    return HttpResponse(body, status=status, content_type="application/json")
