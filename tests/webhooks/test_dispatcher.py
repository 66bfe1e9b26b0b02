"""Delivering the webhook outbox: the request, success and failure, retries, timeouts, Retry-After, 410,
redirects, the SSRF guard at send time, leases between dispatchers, graceful shutdown, and requests that
never wait for a delivery."""

from __future__ import annotations

import email.utils
import json
import logging
import re
import socket
import time

import pytest

from minikoa.webhooks import WebhookVerificationError, new_secret, verify
from minikoa.webhooks.dispatcher import Dispatcher, _retry_after
from minikoa.webhooks.tables import OUTBOX
from tests.receiver import NOTE, Reply, wait_until

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")




def rows(app, hook=None):
    return app.webhooks.queued(hook)


def settled(app, hook=None, count=None):
    """Wait until every outbox row (of ``hook``) is delivered or failed; returns the rows."""
    def done():
        found = rows(app, hook)
        if count is not None and len(found) < count:
            return None
        return found if found and all(r["status"] in ("delivered", "failed") for r in found) else None
    return wait_until(done, 8, message=lambda: f"settled rows, have {rows(app, hook)}")


def note(app, text="hi"):
    return app.documents(NOTE).create(data={"text": text})


# -- the request --------------------------------------------------------------------------------


def test_a_delivery_is_a_signed_json_post(make_app, receiver):
    app = make_app({"defaultHeaders": {"X-Default": "d", "X-Shared": "default"}})
    hook = app.webhooks.create(name="a", url=receiver.url("/hook?x=1"), events=["entry.create"],
                               headers={"X-Own": "own", "X-Shared": "webhook"})
    created = note(app, "signed")
    (hit,) = receiver.wait_for(1)
    (row,) = settled(app)
    assert hit.method == "POST" and hit.path == "/hook"
    assert hit.headers["content-type"] == "application/json"
    assert hit.headers["x-strapi-event"] == "entry.create"
    assert hit.headers["x-own"] == "own" and hit.headers["x-default"] == "d" and hit.headers["x-shared"] == "webhook"
    assert hit.headers["webhook-id"] == row["messageId"] and re.fullmatch(r"msg_[0-9a-f]{32}", hit.id)
    assert abs(int(hit.headers["webhook-timestamp"]) - time.time()) < 10
    assert hit.headers["webhook-signature"].startswith("v1,")
    assert int(hit.headers["content-length"]) == len(hit.body)
    payload = hit.json()
    assert payload["event"] == "entry.create" and payload["uid"] == NOTE and payload["model"] == "note"
    assert payload["entry"]["documentId"] == created["documentId"] and payload["entry"]["text"] == "signed"

    verify(hook["secret"], hit.headers, hit.body)
    with pytest.raises(WebhookVerificationError):
        verify(hook["secret"], hit.headers, hit.body.replace(b"signed", b"forged"))
    with pytest.raises(WebhookVerificationError):
        verify(new_secret(), hit.headers, hit.body)
    with pytest.raises(WebhookVerificationError):
        verify(hook["secret"], hit.headers, hit.body, now=time.time() + 3600)

    assert (row["status"], row["attempts"], row["lastStatus"], row["lastError"]) == ("delivered", 1, 200, None)
    (attempt,) = app.webhooks.deliveries(hook["id"])
    assert attempt["attempt"] == 1 and attempt["statusCode"] == 200 and attempt["error"] is None
    assert attempt["messageId"] == hit.id and attempt["event"] == "entry.create" and attempt["status"] == "delivered"
    assert attempt["durationMs"] >= 0 and ISO.match(attempt["at"]) and attempt["delivery"] == row["id"]


def test_trigger_sends_a_test_event_even_to_a_disabled_webhook(make_app, receiver):
    app = make_app()
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"], enabled=False)
    queued = app.webhooks.trigger(hook["id"])
    assert queued["event"] == "trigger-test" and queued["status"] == "pending" and queued["webhook"] == hook["id"]
    (hit,) = receiver.wait_for(1)
    assert hit.event == "trigger-test" and hit.json()["event"] == "trigger-test"
    assert ISO.match(hit.json()["createdAt"])
    verify(hook["secret"], hit.headers, hit.body)
    (row,) = settled(app)
    assert row["id"] == queued["id"] and row["status"] == "delivered"
    note(app)  # disabled: entry events are not sent
    assert rows(app) == [row]


def test_any_2xx_is_success_and_anything_else_a_failed_attempt(make_app, receiver):
    app = make_app({"schedule": []})  # no retries: one attempt each
    codes = [200, 201, 202, 204, 206, 299, 400, 401, 404, 418, 429, 500, 502, 503]
    hooks = {}
    for code in codes:
        receiver.always(f"/s{code}", Reply(code, body=b"" if code == 204 else b"answer"))
        hooks[code] = app.webhooks.create(name=f"s{code}", url=receiver.url(f"/s{code}"), events=["entry.create"])
    note(app)
    for code in codes:
        (row,) = settled(app, hooks[code]["id"])
        (attempt,) = app.webhooks.deliveries(hooks[code]["id"])
        assert attempt["statusCode"] == code and row["lastStatus"] == code
        if 200 <= code < 300:
            assert row["status"] == "delivered" and attempt["error"] is None
        else:
            assert row["status"] == "failed" and attempt["error"] == f"HTTP {code}"
    assert len(receiver.hits()) == len(codes)


def test_each_attempt_logs_one_line_with_event_host_status_attempt_and_duration(make_app, receiver, caplog):
    app = make_app({"schedule": []})
    receiver.always("/ok", Reply(200))
    receiver.always("/down", Reply(503))
    ok = app.webhooks.create(name="ok", url=receiver.url("/ok?token=secret"), events=["entry.create"])
    down = app.webhooks.create(name="down", url=receiver.url("/down"), events=["entry.create"])
    with caplog.at_level(logging.INFO, logger="minikoa.webhooks"):
        note(app)
        settled(app, ok["id"])
        settled(app, down["id"])
    lines = [r.getMessage() for r in caplog.records if r.name == "minikoa.webhooks"]
    assert len(lines) == 2 and "token" not in " ".join(lines)
    assert re.fullmatch(rf"webhook {ok['id']}: entry\.create to 127\.0\.0\.1: 200 \(attempt 1, \d+ ms\)",
                        next(line for line in lines if line.startswith(f"webhook {ok['id']}:")))
    assert re.fullmatch(rf"webhook {down['id']}: entry\.create to 127\.0\.0\.1: HTTP 503 \(attempt 1, \d+ ms\)",
                        next(line for line in lines if line.startswith(f"webhook {down['id']}:")))


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_redirects_are_not_followed(make_app, receiver, code):
    app = make_app({"schedule": [0.1]})
    receiver.always("/hook", Reply(code, {"Location": receiver.url("/elsewhere")}))
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    note(app)
    (row,) = settled(app)
    assert row["status"] == "failed" and row["attempts"] == 2 and row["lastStatus"] == code
    assert [a["statusCode"] for a in app.webhooks.deliveries(hook["id"])] == [code, code]
    assert all(a["error"] == f"HTTP {code}" for a in app.webhooks.deliveries(hook["id"]))
    assert len(receiver.hits("/hook")) == 2 and receiver.hits("/elsewhere") == []


# -- retries ----------------------------------------------------------------------------------


def test_failures_are_retried_on_the_schedule_then_failed(make_app, receiver):
    app = make_app({"schedule": [0.1, 0.2], "jitter": 0})
    receiver.always("/hook", Reply(500, body=b"broken"))
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    note(app)
    hits = receiver.wait_for(3)
    (row,) = settled(app)
    assert row["status"] == "failed" and row["attempts"] == 3 and row["lastStatus"] == 500
    assert row["lastError"] == "HTTP 500"
    assert len({h.id for h in hits}) == 1 and hits[0].id == row["messageId"]  # the same webhook-id each time
    for hit in hits:
        verify(hook["secret"], hit.headers, hit.body)  # each attempt signed afresh
    assert hits[1].at - hits[0].at >= 0.09 and hits[2].at - hits[1].at >= 0.19
    attempts = app.webhooks.deliveries(hook["id"])
    assert [a["attempt"] for a in attempts] == [3, 2, 1]  # newest first
    assert all(a["statusCode"] == 500 and a["error"] == "HTTP 500" and a["durationMs"] >= 0 for a in attempts)
    assert all(a["status"] == "failed" and a["messageId"] == row["messageId"] for a in attempts)
    assert "broken" not in json.dumps(attempts)  # the receiver's body is never kept
    assert len(app.webhooks.deliveries(hook["id"], limit=2)) == 2
    time.sleep(0.4)  # longer than the whole schedule: nothing more is tried
    assert len(receiver.hits()) == 3


def test_a_retry_that_succeeds_keeps_the_webhook_id(make_app, receiver):
    app = make_app()
    receiver.script("/hook", Reply(500), Reply(503))
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    note(app)
    hits = receiver.wait_for(3)
    (row,) = settled(app)
    assert row["status"] == "delivered" and row["attempts"] == 3
    assert len({h.id for h in hits}) == 1
    assert [(a["attempt"], a["statusCode"]) for a in app.webhooks.deliveries(hook["id"])] == [
        (3, 200), (2, 503), (1, 500)]


def test_jitter_stays_within_its_bounds(make_app, receiver):
    app = make_app({"schedule": [0.3], "jitter": 0.5})
    receiver.script("/hook", Reply(500))
    app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    note(app)
    first, second = receiver.wait_for(2)
    assert 0.14 <= second.at - first.at <= 0.45 + 0.3


def test_retry_after_is_honoured(make_app, receiver):
    app = make_app({"schedule": [0.3], "jitter": 0})
    receiver.script("/later", Reply(503, {"Retry-After": "1"}))
    receiver.script("/sooner", Reply(429, {"Retry-After": "0"}))  # may not shorten the schedule
    later = app.webhooks.create(name="later", url=receiver.url("/later"), events=["entry.create"])
    sooner = app.webhooks.create(name="sooner", url=receiver.url("/sooner"), events=["entry.create"])
    note(app)
    a1, a2 = receiver.wait_for(2, "/later")
    b1, b2 = receiver.wait_for(2, "/sooner")
    assert a2.at - a1.at >= 0.98
    assert b2.at - b1.at >= 0.28
    assert all(r["status"] == "delivered" for r in settled(app))
    assert app.webhooks.deliveries(later["id"])[-1]["statusCode"] == 503
    assert app.webhooks.deliveries(sooner["id"])[-1]["statusCode"] == 429


def test_retry_after_values():
    assert _retry_after("3") == 3 and _retry_after("0.5") == 0.5
    assert _retry_after(None) is None and _retry_after("") is None and _retry_after("soon") is None
    assert _retry_after("-5") == 0
    assert _retry_after("999999999") == 86400  # capped at a day
    date = email.utils.formatdate(time.time() + 120, usegmt=True)
    assert 115 <= _retry_after(date) <= 121
    assert _retry_after(email.utils.formatdate(time.time() - 120, usegmt=True)) == 0


# -- timeouts and unreachable receivers ---------------------------------------------------------


def test_each_attempt_has_a_timeout(make_app, receiver):
    app = make_app({"timeout": 0.5, "schedule": [0.1]})
    receiver.script("/hook", Reply(200, delay=5))  # answers far too late the first time
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    started = time.monotonic()
    note(app)
    hits = receiver.wait_for(2)
    (row,) = settled(app)
    assert time.monotonic() - started < 3
    assert row["status"] == "delivered" and row["attempts"] == 2
    assert hits[0].id == hits[1].id
    second, first = app.webhooks.deliveries(hook["id"])
    assert first["statusCode"] is None and "timeout" in first["error"]
    assert 400 <= first["durationMs"] < 2000
    assert second["statusCode"] == 200 and second["error"] is None


def test_the_timeout_bounds_the_whole_attempt(make_app, receiver):
    """A receiver that trickles its headers, never idle for the timeout, may not hold a worker for long."""
    app = make_app({"timeout": 0.5, "schedule": []})
    receiver.script("/hook", Reply(200, trickle=0.3))  # 8 header lines 0.3 s apart: 2.4 s in all
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    note(app)
    settled(app)
    (attempt,) = app.webhooks.deliveries(hook["id"])
    assert attempt["durationMs"] < 1500, attempt
    assert attempt["error"] and "timeout" in attempt["error"]


def test_an_unreachable_receiver_is_a_logged_failure(make_app):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    app = make_app({"schedule": [0.05]})
    hook = app.webhooks.create(name="a", url=f"http://127.0.0.1:{port}/hook", events=["entry.create"])
    note(app)
    (row,) = settled(app)
    assert row["status"] == "failed" and row["attempts"] == 2 and row["lastStatus"] is None
    attempts = app.webhooks.deliveries(hook["id"])
    assert [a["attempt"] for a in attempts] == [2, 1]
    assert all(a["statusCode"] is None and "ConnectionError" in a["error"] for a in attempts)


# -- 410 Gone -----------------------------------------------------------------------------------


def test_410_gone_disables_the_webhook(make_app, receiver):
    app = make_app({"workers": 1})
    receiver.always("/gone", Reply(410))
    gone = app.webhooks.create(name="gone", url=receiver.url("/gone"), events=["entry.create", "order.paid"])
    app.webhooks.create(name="other", url=receiver.url("/other"), events=["entry.create"])
    with app.db.atomic():  # two rows for the webhook before its first attempt
        note(app, "one")
        note(app, "two")
    receiver.wait_for(2, "/other")
    gone_rows = settled(app, gone["id"], count=2)
    assert [r["status"] for r in gone_rows] == ["failed", "failed"]
    assert len(receiver.hits("/gone")) == 1  # the second row was not sent
    hook = app.webhooks.get(gone["id"])
    assert hook["enabled"] is False and "410" in hook["disabledReason"]
    (attempt,) = app.webhooks.deliveries(gone["id"])
    assert attempt["statusCode"] == 410 and attempt["attempt"] == 1

    note(app, "three")  # nothing more is queued for or sent to it
    app.events.emit("order.paid", {"id": 1})
    receiver.wait_for(3, "/other")
    assert len(rows(app, gone["id"])) == 2 and len(receiver.hits("/gone")) == 1

    receiver.always("/gone", Reply(200))
    again = app.webhooks.update(gone["id"], enabled=True)
    assert again["enabled"] is True and again["disabledReason"] is None
    note(app, "four")
    (hit,) = receiver.wait_for(2, "/gone")[1:]
    assert hit.json()["entry"]["text"] == "four"


# -- the SSRF guard at send time ----------------------------------------------------------------


def test_private_addresses_are_refused_at_send_time_too(make_app, receiver):
    app = make_app({"allowPrivate": True, "schedule": [0.05]})
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    app.config.set("server.webhooks.allowPrivate", False)  # the config changes after the webhook was saved
    note(app)
    (row,) = settled(app)
    assert row["status"] == "failed" and row["attempts"] == 2
    attempts = app.webhooks.deliveries(hook["id"])
    assert len(attempts) == 2
    assert all(a["statusCode"] is None and a["error"].startswith("refused") and "127.0.0.1" in a["error"]
               for a in attempts)
    assert receiver.hits() == []


def test_a_restart_with_a_stricter_config_refuses_and_an_allow_list_permits(make_app, receiver):
    first = make_app({"allowPrivate": True})
    hook = first.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    first.destroy()

    strict = make_app({"allowPrivate": False, "schedule": []})
    note(strict, "refused")
    (row,) = settled(strict)
    assert row["status"] == "failed" and strict.webhooks.deliveries(hook["id"])[0]["error"].startswith("refused")
    assert receiver.hits() == []
    strict.destroy()

    listed = make_app({"allowPrivate": False, "allowList": ["127.0.0.0/8"]})
    note(listed, "allowed")
    (hit,) = receiver.wait_for(1)
    assert hit.json()["entry"]["text"] == "allowed"
    verify(hook["secret"], hit.headers, hit.body)


# -- leases: several dispatchers on one database ------------------------------------------------


def _count_claims(dispatcher, into):
    deliver = dispatcher.deliver

    def counting(row):
        into.append(row["id"])
        return deliver(row)
    dispatcher.deliver = counting


def test_two_apps_on_one_database_deliver_each_row_once(make_app, receiver):
    receiver.always("/hook", Reply(200, delay=0.01))
    one = make_app()
    two = make_app()  # the same database file
    one.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    claims_one, claims_two = [], []
    for app, claims in ((one, claims_one), (two, claims_two)):
        app.webhooks.wake()
        _count_claims(app.webhooks.dispatcher, claims)
    notes = one.documents(NOTE)
    with one.db.atomic():
        for number in range(50):
            notes.create(data={"text": f"n{number}"})
    two.webhooks.wake()
    receiver.wait_for(50, timeout=10)
    final = settled(one, count=50)
    assert all(r["status"] == "delivered" and r["attempts"] == 1 for r in final)
    time.sleep(0.2)
    hits = receiver.hits()
    ids = [h.id for h in hits]
    assert len(ids) == 50 and len(set(ids)) == 50  # each webhook-id exactly once
    assert set(ids) == {r["messageId"] for r in final}
    assert sorted(claims_one + claims_two) == sorted(r["id"] for r in final)
    assert claims_one and claims_two  # both took part


def test_extra_dispatchers_on_one_app_deliver_each_row_once(make_app, receiver):
    receiver.always("/hook", Reply(200, delay=0.01))
    app = make_app()
    app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    extra = [Dispatcher(app.webhooks), Dispatcher(app.webhooks)]
    claims = [[], []]
    try:
        for dispatcher, into in zip(extra, claims):
            _count_claims(dispatcher, into)
            dispatcher.start()
        notes = app.documents(NOTE)
        with app.db.atomic():
            for number in range(40):
                notes.create(data={"text": f"n{number}"})
        final = settled(app, count=40)
        time.sleep(0.2)
        ids = [h.id for h in receiver.hits()]
        assert len(ids) == 40 and set(ids) == {r["messageId"] for r in final}
        assert all(r["attempts"] == 1 for r in final)
        assert len(set(claims[0]) & set(claims[1])) == 0
        assert claims[0] or claims[1]
    finally:
        for dispatcher in extra:
            assert dispatcher.stop(2)


def test_a_row_whose_worker_died_is_delivered_again_after_its_lease(make_app, receiver):
    app = make_app()
    app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    db = app.db.db
    with app.db.atomic():
        note(app, "lease expired")
        note(app, "lease still running")
        expired, running = rows(app)
        # A worker took both rows and died mid-attempt: one lease is long over, one has 0.8 s left.
        p = db.dialect.param
        db.execute(f"UPDATE {OUTBOX} SET status = 'delivering', lease_owner = 'dead-worker', lease_until = {p} "
                   f"WHERE id = {p}", [time.time() - 3600, expired["id"]])
        db.execute(f"UPDATE {OUTBOX} SET status = 'delivering', lease_owner = 'dead-worker', lease_until = {p} "
                   f"WHERE id = {p}", [time.time() + 0.8, running["id"]])
        committed = time.monotonic()
    first = receiver.wait_for(1)[0]
    assert first.id == expired["messageId"] and first.json()["entry"]["text"] == "lease expired"
    assert first.at - committed < 0.5
    second = receiver.wait_for(2)[1]
    assert second.id == running["messageId"]  # the same webhook-id as the lost attempt would have had
    assert second.at - committed >= 0.7  # not before its lease ran out
    final = settled(app, count=2)
    assert [(r["status"], r["attempts"]) for r in final] == [("delivered", 1), ("delivered", 1)]
    assert len(receiver.hits()) == 2


def test_a_row_leased_by_a_live_worker_is_left_alone(make_app, receiver):
    app = make_app()
    app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    with app.db.atomic():
        note(app, "busy elsewhere")
        (row,) = rows(app)
        p = app.db.db.dialect.param
        app.db.db.execute(f"UPDATE {OUTBOX} SET status = 'delivering', lease_owner = 'other', lease_until = {p} "
                          f"WHERE id = {p}", [time.time() + 60, row["id"]])
    note(app, "sentinel")
    (hit,) = receiver.wait_for(1)
    assert hit.json()["entry"]["text"] == "sentinel"
    time.sleep(0.2)
    assert len(receiver.hits()) == 1 and rows(app)[0]["status"] == "delivering"


# -- stopping ---------------------------------------------------------------------------------


def test_stop_lets_the_attempt_in_flight_finish_and_keeps_the_rest(make_app, receiver):
    app = make_app({"workers": 1})
    receiver.script("/hook", Reply(200, delay=0.6))
    app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    with app.db.atomic():
        for number in range(3):
            note(app, f"n{number}")
    first = receiver.wait_for(1)[0]
    started = time.monotonic()
    assert app.webhooks.stop(3) is True
    elapsed = time.monotonic() - started
    assert 0.1 <= elapsed < 2.5  # it waited for the attempt in flight, not for the deadline
    queued = rows(app)
    assert [(r["status"], r["attempts"]) for r in queued] == [("delivered", 1), ("pending", 0), ("pending", 0)]
    assert first.id == queued[0]["messageId"]
    assert app.webhooks.deliveries(1)[0]["statusCode"] == 200
    time.sleep(0.2)
    assert len(receiver.hits()) == 1
    app.destroy()

    # A new process on the same database delivers what was left, with the same webhook-ids.
    later = make_app({"workers": 1})
    hits = receiver.wait_for(3)
    assert [h.id for h in hits] == [r["messageId"] for r in queued]
    assert all(r["status"] == "delivered" for r in settled(later, count=3))


def test_stop_returns_false_when_the_deadline_passes(make_app, receiver):
    app = make_app({"workers": 1})
    receiver.script("/hook", Reply(200, delay=5))
    app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    note(app)
    receiver.wait_for(1)
    started = time.monotonic()
    assert app.webhooks.stop(0.2) is False
    assert time.monotonic() - started < 1
    receiver.release()  # the receiver answers now: the attempt that was in flight is still recorded
    (row,) = settled(app)
    assert row["status"] == "delivered"


def test_destroy_stops_delivering_and_a_restart_resumes(make_app, receiver):
    app = make_app({"workers": 1, "shutdownDeadline": 2})
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["order.paid"])
    receiver.script("/hook", Reply(200, delay=0.3))
    with app.db.atomic():
        for number in range(4):
            app.events.emit("order.paid", {"n": number})
    receiver.wait_for(1)
    app.destroy()  # stops the dispatcher (the attempt in flight finishes) and closes the database
    sent = len(receiver.hits())
    assert 1 <= sent < 4
    later = make_app({"workers": 2})
    hits = receiver.wait_for(4)
    assert sorted(h.json()["n"] for h in hits) == [0, 1, 2, 3]
    assert len({h.id for h in hits}) == 4
    assert all(r["status"] == "delivered" for r in settled(later, count=4))
    assert len(later.webhooks.deliveries(hook["id"])) == 4




# -- requests never wait for deliveries ---------------------------------------------------------


def test_writes_do_not_wait_for_deliveries(make_app, receiver):
    receiver.always("/hook", Reply(200, delay=1))
    app = make_app()
    app.webhooks.create(name="a", url=receiver.url(), events=["entry.create", "entry.update", "entry.delete",
                                                              "order.paid"])
    notes = app.documents(NOTE)
    timings = []
    for action in ("create", "update", "delete", "emit", "trigger"):
        started = time.monotonic()
        if action == "create":
            doc = notes.create(data={"text": "fast"})["documentId"]
        elif action == "update":
            notes.update(doc, data={"text": "faster"})
        elif action == "delete":
            notes.delete(doc)
        elif action == "emit":
            app.events.emit("order.paid", {"id": 1})
        else:
            app.webhooks.trigger(1)
        timings.append((action, time.monotonic() - started))
    assert all(seconds < 0.5 for _, seconds in timings), timings
    receiver.wait_for(2)  # deliveries are under way meanwhile


def test_deleting_a_webhook_during_an_attempt_is_not_an_error(make_app, receiver, caplog):
    caplog.set_level(logging.WARNING, logger="minikoa")
    app = make_app({"workers": 1})
    receiver.script("/hook", Reply(200, delay=0.4))
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    note(app)
    receiver.wait_for(1)
    app.webhooks.delete(hook["id"])  # while the attempt is in flight
    app.webhooks.create(name="b", url=receiver.url("/b"), events=["entry.create"])
    note(app, "sentinel")  # one worker: this one is sent after the first attempt ended
    receiver.wait_for(1, "/b")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


def test_a_slow_receiver_does_not_hold_up_the_other_webhooks(make_app, receiver):
    # Two threads, one at most per webhook: the hanging receiver keeps one, the other serves the rest.
    app = make_app({"workers": 2, "timeout": 5})
    receiver.script("/slow", Reply(200, delay=3))
    app.webhooks.create(name="slow", url=receiver.url("/slow"), events=["entry.create"])
    app.webhooks.create(name="fast", url=receiver.url("/fast"), events=["entry.update"])
    with app.db.atomic():
        made = [note(app, f"n{i}") for i in range(3)]
    started = time.monotonic()
    app.documents(NOTE).update(made[0]["documentId"], data={"text": "changed"})
    hit = receiver.wait_for(1, path="/fast", timeout=2.5)[0]
    assert hit.json()["event"] == "entry.update" and time.monotonic() - started < 2.5
