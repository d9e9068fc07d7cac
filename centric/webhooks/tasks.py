"""Background work of webhooks (run by `centric worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_webhook(delivery_id: int, manual: bool = False) -> str:
    from centric.webhooks.services import deliver

    return deliver(delivery_id, manual=manual)
