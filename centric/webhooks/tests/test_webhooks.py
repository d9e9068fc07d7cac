"""Outbound webhooks against a real HTTP receiver on loopback: signed deliveries, a receiver that
is down, answers 500 then 200, or is too slow never blocks the sale and is retried with backoff;
the delivery log; manual redelivery; the address guard."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings

from centric.core.api.testing import assert_problem, call
from centric.customers.testing import make_person
from centric.sales.services import deal_move
from centric.sales.testing import make_deal
from centric.webhooks.models import WebhookDelivery
from centric.webhooks.services import MAX_ATTEMPTS, deliver, endpoint_create, redeliver
from centric.webhooks.signing import verify

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """A back office on loopback that answers as told: 'ok', 'fail_once', 'fail', 'slow'."""

    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                if receiver.mode == "slow":
                    time.sleep(2)
                failing = receiver.mode == "fail" or (
                    receiver.mode == "fail_once" and len(receiver.received) == 1
                )
                self.send_response(500 if failing else 200)
                self.end_headers()
                self.wfile.write(b"boom" if failing else b"thanks")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/centric"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _run_worker() -> None:
    call_command("worker", batch=True, interval=0, stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def seller(make_user, make_team):
    return make_user("ada", team=make_team("Sales"))


def _move(seller):
    person = make_person(actor=seller, first_name="Chinedu")
    deal = make_deal(owner=seller, person=person, title="Generator contract")
    qualified = deal.pipeline.stages.get(name="Qualified")
    started = time.monotonic()
    deal_move(deal, actor=seller, stage=qualified)
    return deal, time.monotonic() - started


def test_a_delivery_is_signed_and_the_receiver_can_check_it(seller):
    with Receiver() as receiver:
        endpoint, secret = endpoint_create(
            name="Back office",
            url=receiver.url,
            events=["deal.stage_changed"],
            allow_private_network=True,
        )
        deal, _took = _move(seller)
        _run_worker()

    (got,) = receiver.received
    headers = got["headers"]
    assert headers["Centric-Event"] == "deal.stage_changed"
    assert verify(secret, headers["Centric-Signature"], got["body"], now=int(time.time()))
    assert not verify(
        secret, headers["Centric-Signature"], got["body"] + b" ", now=int(time.time())
    )
    assert not verify(
        "whsec_wrong", headers["Centric-Signature"], got["body"], now=int(time.time())
    )
    body = json.loads(got["body"])
    assert body["data"]["deal"]["id"] == deal.pk and body["data"]["deal"]["stage"] == "Qualified"
    assert body["id"] == headers["Centric-Delivery"]
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.status == "succeeded" and delivery.log.get().status_code == 200


@override_settings(CENTRIC_WEBHOOK_TIMEOUT=1)
def test_a_receiver_that_is_down_never_blocks_the_sale_and_is_retried_later(seller):
    receiver = Receiver()  # never started: nothing listens on its port
    receiver.server.server_close()
    endpoint_create(
        name="Down", url=receiver.url, events=["deal.stage_changed"], allow_private_network=True
    )

    deal, took = _move(seller)
    _run_worker()

    assert took < 1  # the move only queued the delivery
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 1
    assert "could not be reached" in delivery.last_error
    wait = delivery.next_attempt_at - delivery.log.get().at
    assert dt.timedelta(seconds=59) < wait < dt.timedelta(seconds=61)
    deal.refresh_from_db()
    assert deal.stage.name == "Qualified"


def test_a_receiver_that_fails_then_succeeds_is_retried_until_it_takes_it(seller):
    with Receiver("fail_once") as receiver:
        endpoint_create(name="Flaky", url=receiver.url, events=["*"], allow_private_network=True)
        _move(seller)
        _run_worker()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "failed" and delivery.last_status_code == 500
        # The retry, when its time comes (the worker runs it at next_attempt_at).
        assert deliver(delivery.pk) == "succeeded"

    delivery.refresh_from_db()
    assert [a.status_code for a in delivery.log.all()] == [500, 200]
    ids = {r["headers"]["Centric-Delivery"] for r in receiver.received}
    assert len(ids) == 1  # the retry is the same delivery: the receiver can drop a repeat


@override_settings(CENTRIC_WEBHOOK_TIMEOUT=1)
def test_a_slow_receiver_times_out_and_is_retried(seller):
    with Receiver("slow") as receiver:
        endpoint_create(name="Slow", url=receiver.url, events=["*"], allow_private_network=True)
        _deal, took = _move(seller)
        started = time.monotonic()
        _run_worker()
        worker_took = time.monotonic() - started

    assert took < 1 and worker_took < 5
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and "did not answer within 1" in delivery.last_error


def test_a_receiver_failing_for_good_is_given_up_after_the_last_attempt(seller):
    with Receiver("fail") as receiver:
        endpoint_create(name="Broken", url=receiver.url, events=["*"], allow_private_network=True)
        _move(seller)
        delivery = WebhookDelivery.objects.get()
        results = [deliver(delivery.pk) for _ in range(MAX_ATTEMPTS)]

    assert results[-1] == "gave_up" and set(results[:-1]) == {"failed"}
    assert deliver(delivery.pk) == "gave_up"  # a queued retry does nothing more
    assert WebhookDelivery.objects.get().log.count() == MAX_ATTEMPTS


def test_manual_redelivery_sends_again(seller):
    with Receiver() as receiver:
        endpoint_create(
            name="Back office", url=receiver.url, events=["*"], allow_private_network=True
        )
        _move(seller)
        _run_worker()
        redeliver(WebhookDelivery.objects.get())
        _run_worker()

    assert len(receiver.received) == 2
    assert WebhookDelivery.objects.get().log.filter(manual=True).count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "ftp://example.com/hook",
        "http://user:pass@example.com/hook",
    ],
)
def test_the_guard_refuses_loopback_private_and_odd_addresses(url):
    with pytest.raises(ValidationError) as refused:
        endpoint_create(name="x", url=url, events=["*"])
    assert "url" in refused.value.message_dict


def test_an_address_allowed_then_disallowed_is_refused_at_delivery(seller):
    with Receiver() as receiver:
        endpoint, _secret = endpoint_create(
            name="Inside", url=receiver.url, events=["*"], allow_private_network=True
        )
        from centric.webhooks.models import WebhookEndpoint

        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(allow_private_network=False)
        _move(seller)
        _run_worker()

    assert receiver.received == []
    assert "loopback or private" in WebhookDelivery.objects.get().last_error


def test_unknown_events_are_refused():
    with pytest.raises(ValidationError):
        endpoint_create(name="x", url="https://example.com/h", events=["deal.exploded"])


def test_the_api_is_for_administrators(seller, make_user, api_client):
    admin = make_user("admin", role="Administrator")
    with Receiver() as receiver:
        refused = call(api_client(seller), "get", "/api/v1/webhook-endpoints")
        made = call(
            api_client(admin),
            "post",
            "/api/v1/webhook-endpoints",
            {
                "name": "ERP",
                "url": receiver.url,
                "events": ["order.created"],
                "allow_private_network": True,
            },
        )
        private = call(
            api_client(admin),
            "post",
            "/api/v1/webhook-endpoints",
            {"name": "ERP", "url": receiver.url, "events": ["order.created"]},
        )

    assert refused.status_code == 403
    assert made.status_code == 201 and made.json()["secret"].startswith("whsec_")
    assert_problem(private, 422, field="url")
    paused = call(
        api_client(admin),
        "patch",
        f"/api/v1/webhook-endpoints/{made.json()['id']}",
        {"is_active": False},
    )
    assert paused.json()["is_active"] is False
