"""Webhooks: signatures, the SSRF guard, the registry, declared webhooks, events and the transactional outbox.

Delivery itself (retries, timeouts, leases, shutdown) is in test_dispatcher.py,
the admin REST API in test_admin.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time

import pytest

from minikoa import App, ValidationError
from minikoa.errors import NotFoundError
from minikoa.webhooks import WebhookVerificationError, new_secret, sign, verify
from minikoa.webhooks.tables import HOOKS
from tests.receiver import AUTHOR, NOTE, POST, wait_until

ENTRY_EVENTS = ["entry.create", "entry.update", "entry.delete", "entry.publish", "entry.unpublish",
                "entry.draft-discard"]
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")




def _headers(secret: str, body: bytes, message_id: str = "msg_1", timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, message_id, timestamp, body)}


# -- signatures -----------------------------------------------------------------------------


def test_new_secret_is_whsec_and_32_random_bytes():
    secrets = {new_secret() for _ in range(20)}
    assert len(secrets) == 20
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret[6:], validate=True)) == 32


def test_sign_matches_the_standard_webhooks_scheme():
    # The Standard Webhooks reference vector.
    assert sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                b'{"test": 2432232314}') == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    # And by definition: v1, + base64(HMAC-SHA256(key, "id.timestamp.body")).
    secret = new_secret()
    body = b'{"event":"entry.create"}'
    digest = hmac.new(base64.b64decode(secret[6:]), b"msg_x.1700000000." + body, hashlib.sha256).digest()
    assert sign(secret, "msg_x", 1700000000, body) == "v1," + base64.b64encode(digest).decode()


def test_verify_accepts_a_genuine_delivery():
    secret = new_secret()
    body = b'{"event":"entry.create","entry":{"id":1}}'
    headers = _headers(secret, body)
    verify(secret, headers, body)
    verify(secret, {k.upper(): v for k, v in headers.items()}, body)  # header names in any case
    verify(secret, {"Webhook-Id": headers["webhook-id"], "Webhook-Timestamp": headers["webhook-timestamp"],
                    "Webhook-Signature": headers["webhook-signature"]}, body.decode())  # str body
    # Several signatures, space-separated (secret rotation): any one may match.
    rotated = {**headers, "webhook-signature": "v1,AAAA " + headers["webhook-signature"]}
    verify(secret, rotated, body)


@pytest.mark.parametrize("tamper", [
    "body", "wrong secret", "stale timestamp", "future timestamp", "other id", "missing id", "missing timestamp",
    "missing signature", "timestamp not a number", "bad signature version", "invalid secret", "empty signature",
])
def test_verify_rejects(tamper):
    secret = new_secret()
    body = b'{"event":"entry.create"}'
    now = time.time()
    headers = _headers(secret, body)
    check_body, check_secret, check_now = body, secret, None
    if tamper == "body":
        check_body = b'{"event":"entry.delete"}'
    elif tamper == "wrong secret":
        check_secret = new_secret()
    elif tamper == "stale timestamp":
        headers = _headers(secret, body, timestamp=int(now) - 301)
    elif tamper == "future timestamp":
        headers = _headers(secret, body, timestamp=int(now) + 301)
    elif tamper == "other id":
        headers["webhook-id"] = "msg_2"
    elif tamper.startswith("missing "):
        del headers["webhook-" + tamper.split()[1]]
    elif tamper == "timestamp not a number":
        headers["webhook-timestamp"] = "soon"
    elif tamper == "bad signature version":
        headers["webhook-signature"] = "v2," + headers["webhook-signature"][3:]
    elif tamper == "invalid secret":
        check_secret = "whsec_%%%not-base64%%%"
    elif tamper == "empty signature":
        headers["webhook-signature"] = " "
    with pytest.raises(WebhookVerificationError):
        verify(check_secret, headers, check_body, now=check_now)


def test_verify_tolerance_is_adjustable():
    secret = new_secret()
    body = b"{}"
    headers = _headers(secret, body, timestamp=1_000_000)
    verify(secret, headers, body, now=1_000_000 + 300)
    with pytest.raises(WebhookVerificationError):
        verify(secret, headers, body, now=1_000_000 + 11, tolerance=10)


# -- the SSRF guard ---------------------------------------------------------------------------

# The guard itself (parsing, every address class, pinning) is tested in test_guard.py; here, the registry
# uses it.


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://10.0.0.7/hook", "http://169.254.169.254/",
                                 "http://[::1]/hook", "http://localhost/hook"])
def test_registry_refuses_private_urls_unless_allowed(make_app, url):
    app = make_app({"allowPrivate": False})
    with pytest.raises(ValidationError) as err:
        app.webhooks.create(name="x", url=url, events=["entry.create"])
    assert err.value.status == 400
    assert app.webhooks.list() == []
    public = app.webhooks.create(name="public", url="http://93.184.216.34/hook", events=["nobody.listens"])
    with pytest.raises(ValidationError):
        app.webhooks.update(public["id"], url=url)  # the same guard when the url changes
    assert app.webhooks.get(public["id"])["url"] == "http://93.184.216.34/hook"

    allowed = make_app({"allowPrivate": True}, db="allowed.db")
    assert allowed.webhooks.create(name="x", url=url, events=["entry.create"])["url"] == url


def test_registry_allow_list(make_app):
    app = make_app({"allowPrivate": False, "allowList": ["127.0.0.1", "10.0.0.0/8"]})
    app.webhooks.create(name="a", url="http://127.0.0.1:9/hook", events=["entry.create"])
    app.webhooks.create(name="b", url="http://10.20.30.40/hook", events=["entry.create"])
    with pytest.raises(ValidationError):
        app.webhooks.create(name="c", url="http://192.168.0.1/hook", events=["entry.create"])
    with pytest.raises(ValidationError):
        app.webhooks.create(name="d", url="http://169.254.169.254/", events=["entry.create"])
    assert [h["name"] for h in app.webhooks.list()] == ["a", "b"]


# -- the registry -----------------------------------------------------------------------------


def test_create_returns_the_secret_once(make_app, receiver):
    app = make_app()
    hook = app.webhooks.create(name="  Orders  ", url=receiver.url(), events=["entry.create", "entry.create"],
                               headers={"X-Token": "abc"})
    assert hook["secret"].startswith("whsec_") and len(base64.b64decode(hook["secret"][6:])) == 32
    assert hook["name"] == "Orders" and hook["url"] == receiver.url()
    assert hook["events"] == ["entry.create"]  # duplicates dropped
    assert hook["headers"] == {"X-Token": "abc"} and hook["enabled"] is True and hook["source"] == "api"
    assert hook["disabledReason"] is None and ISO.match(hook["createdAt"]) and ISO.match(hook["updatedAt"])
    assert isinstance(hook["id"], int)

    got = app.webhooks.get(hook["id"])
    assert "secret" not in got and got == {k: v for k, v in hook.items() if k != "secret"}
    listed = app.webhooks.list()
    assert listed == [got]
    assert hook["secret"] not in json.dumps(listed) + json.dumps(got)
    other = app.webhooks.create(name="second", url=receiver.url("/2"), events=["entry.update"])
    assert other["secret"] != hook["secret"]
    assert [h["id"] for h in app.webhooks.list()] == [hook["id"], other["id"]]


@pytest.mark.parametrize("fields", [
    {"name": ""},
    {"name": "   "},
    {"name": 5},
    {"name": "x" * 201},
    {"events": []},
    {"events": "entry.create"},
    {"events": ["bad event"]},
    {"events": ['entry.create"']},
    {"events": [1]},
    {"headers": {"X-Strapi-Event": "forged"}},
    {"headers": {"webhook-signature": "v1,forged"}},
    {"headers": {"Content-Type": "text/plain"}},
    {"headers": {"X-Ok": "line\r\nInjected: yes"}},
    {"headers": {"Bad Name": "x"}},
    {"headers": {"X-Number": 5}},
    {"headers": ["X-Ok"]},
    {"url": 5},
    {"url": "not a url"},
    {"enabled": "no"},  # a truthy string would otherwise turn the webhook on
    {"enabled": None},
], ids=lambda fields: "-".join(f"{k}={v!r}"[:24] for k, v in fields.items()))
def test_create_validates(make_app, receiver, fields):
    app = make_app()
    data = {"name": "ok", "url": receiver.url(), "events": ["entry.create"], "headers": {}, **fields}
    with pytest.raises(ValidationError) as err:
        app.webhooks.create(**data)
    assert err.value.status == 400
    assert app.webhooks.list() == []


def test_update(make_app, receiver):
    app = make_app()
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    time.sleep(0.002)  # updatedAt has millisecond resolution
    updated = app.webhooks.update(hook["id"], name="b", url=receiver.url("/b"), events=["entry.update"],
                                  headers={"X-A": "1"}, enabled=False)
    assert "secret" not in updated
    assert (updated["name"], updated["url"], updated["events"], updated["headers"], updated["enabled"]) == (
        "b", receiver.url("/b"), ["entry.update"], {"X-A": "1"}, False)
    assert updated["createdAt"] == hook["createdAt"] and updated["updatedAt"] > hook["updatedAt"]
    assert app.webhooks.get(hook["id"]) == updated
    # Only what is given changes; the secret never does.
    assert app.webhooks.update(hook["id"], enabled=True)["name"] == "b"
    db = app.db.db
    assert db.scalar(f"SELECT secret FROM {HOOKS} WHERE id = {db.dialect.param}", [hook["id"]]) == hook["secret"]
    with pytest.raises(ValidationError):
        app.webhooks.update(hook["id"], secret="whsec_mine")
    with pytest.raises(ValidationError):
        app.webhooks.update(hook["id"], enabled="yes")
    with pytest.raises(ValidationError):
        app.webhooks.update(hook["id"], events=[])
    with pytest.raises(NotFoundError):
        app.webhooks.update(9999, name="x")
    assert app.webhooks.get(hook["id"])["events"] == ["entry.update"]


def test_delete_get_and_not_found(make_app, receiver):
    app = make_app()
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["order.paid"])
    with app.db.atomic():  # rows queued but not delivered before the delete
        app.events.emit("order.paid", {"id": 1})
        assert len(app.webhooks.queued(hook["id"])) == 1
        deleted = app.webhooks.delete(hook["id"])
    assert deleted["id"] == hook["id"] and "secret" not in deleted
    assert app.webhooks.list() == [] and app.webhooks.queued() == []  # its queue went with it
    for call in (app.webhooks.get, app.webhooks.delete, app.webhooks.rotate_secret, app.webhooks.trigger,
                 app.webhooks.deliveries):
        with pytest.raises(NotFoundError) as err:
            call(hook["id"])
        assert err.value.status == 404
    for bad in ("abc", None, "1; DROP TABLE x"):
        with pytest.raises(NotFoundError):
            app.webhooks.get(bad)
    app.events.emit("order.paid", {"id": 2})
    assert app.webhooks.queued() == []  # nobody listens any more


def test_rotate_secret(make_app, receiver):
    app = make_app()
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    rotated = app.webhooks.rotate_secret(hook["id"])
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != hook["secret"]
    assert len(base64.b64decode(rotated["secret"][6:])) == 32
    assert "secret" not in app.webhooks.get(hook["id"])
    assert all("secret" not in h for h in app.webhooks.list())

    app.documents(NOTE).create(data={"text": "after rotation"})
    (hit,) = receiver.wait_for(1)
    verify(rotated["secret"], hit.headers, hit.body)
    with pytest.raises(WebhookVerificationError):
        verify(hook["secret"], hit.headers, hit.body)


# -- webhooks declared in the config ------------------------------------------------------------


def test_declared_webhooks_are_synced_at_start(make_app, receiver):
    first = make_app({"endpoints": [
        {"name": "search", "url": receiver.url("/search"), "events": ["entry.create"], "headers": {"X-A": "1"}},
        {"name": "cache", "url": receiver.url("/cache"), "events": ["entry.update"]},
    ]})
    api_hook = first.webhooks.create(name="made-by-api", url=receiver.url("/api"), events=["entry.create"])
    declared = {h["name"]: h for h in first.webhooks.list() if h["source"] == "config"}
    assert set(declared) == {"search", "cache"}
    assert declared["search"]["events"] == ["entry.create"] and declared["search"]["headers"] == {"X-A": "1"}
    assert all("secret" not in h for h in declared.values())
    first.destroy()

    # Restart with "search" changed, "cache" removed and "purge" added.
    second = make_app({"endpoints": [
        {"name": "search", "url": receiver.url("/search2"), "events": ["entry.create", "entry.delete"]},
        {"name": "purge", "url": receiver.url("/purge"), "events": ["entry.delete"], "enabled": False},
    ]})
    now = {h["name"]: h for h in second.webhooks.list()}
    assert set(now) == {"search", "purge", "made-by-api"}
    assert now["search"]["id"] == declared["search"]["id"]  # updated in place, same id (and secret)
    assert now["search"]["url"] == receiver.url("/search2")
    assert now["search"]["events"] == ["entry.create", "entry.delete"]
    assert now["purge"]["enabled"] is False and now["purge"]["source"] == "config"
    assert now["made-by-api"] == second.webhooks.get(api_hook["id"])
    second.destroy()

    # No endpoints at all: every declared one goes, the API's stays.
    third = make_app({})
    assert [h["name"] for h in third.webhooks.list()] == ["made-by-api"]


def test_declared_webhook_is_delivered_with_default_headers(make_app, receiver):
    app = make_app({"endpoints": [{"name": "d", "url": receiver.url(), "events": ["entry.create"],
                                   "headers": {"X-Own": "own", "X-Both": "webhook"}}],
                    "defaultHeaders": {"X-Default": "yes", "X-Both": "default"}})
    app.documents(NOTE).create(data={"text": "hi"})
    (hit,) = receiver.wait_for(1)
    assert hit.headers["x-default"] == "yes" and hit.headers["x-own"] == "own"
    assert hit.headers["x-both"] == "webhook"  # the webhook's own header wins over the default


@pytest.mark.parametrize("endpoint", [
    {"name": "no-url", "events": ["entry.create"]},
    {"name": "no-events", "url": "http://93.184.216.34/hook"},
    {"url": "http://93.184.216.34/hook", "events": ["entry.create"]},
    {"name": "private", "url": "http://127.0.0.1/hook", "events": ["entry.create"]},
], ids=["no-url", "no-events", "no-name", "private-url"])
def test_declared_webhook_mistakes_are_validation_errors(make_app, endpoint):
    with pytest.raises(ValidationError):
        make_app({"allowPrivate": False, "endpoints": [endpoint]})


# -- entry events and their payload ------------------------------------------------------------


def _payloads(app, names=("*",)):
    seen = []
    for name in names:
        app.events.on(name, lambda event, payload: seen.append((event, payload)))
    return seen


def test_entry_events_reach_the_webhook_in_strapis_shape(make_app, receiver):
    app = make_app()
    hook = app.webhooks.create(name="all", url=receiver.url(), events=ENTRY_EVENTS)
    notes = app.documents(NOTE)
    started = time.time()
    created = notes.create(data={"text": "hello", "secret": "s3cr3t", "pw": "hunter2"})
    notes.update(created["documentId"], data={"text": "changed", "secret": "other"})
    notes.delete(created["documentId"])
    hits = receiver.wait_for(3)
    order = ["entry.create", "entry.update", "entry.delete"]  # two workers: they may arrive in any order
    hits.sort(key=lambda hit: order.index(hit.event))
    assert [h.event for h in hits] == order
    for hit, text in zip(hits, ["hello", "changed", "changed"]):
        payload = hit.json()
        assert set(payload) == {"event", "createdAt", "model", "uid", "entry"}
        assert payload["event"] == hit.event and payload["model"] == "note" and payload["uid"] == NOTE
        assert ISO.match(payload["createdAt"])
        entry = payload["entry"]
        assert entry["documentId"] == created["documentId"] and entry["id"] == created["id"]
        assert entry["text"] == text
        assert "secret" not in entry and "pw" not in entry  # private and password attributes never leave
        assert "author" not in entry  # relations are not populated unless populateRelations
        assert b"s3cr3t" not in hit.body and b"hunter2" not in hit.body and b"other" not in hit.body
        verify(hook["secret"], hit.headers, hit.body)
    assert time.time() - started < 5


def test_only_subscribed_events_are_queued(make_app, receiver):
    app = make_app()
    creates = app.webhooks.create(name="c", url=receiver.url("/c"), events=["entry.create"])
    deletes = app.webhooks.create(name="d", url=receiver.url("/d"), events=["entry.delete"])
    off = app.webhooks.create(name="off", url=receiver.url("/off"), events=ENTRY_EVENTS, enabled=False)
    similar = app.webhooks.create(name="s", url=receiver.url("/s"), events=["entry.create.v2", "entry"])
    notes = app.documents(NOTE)
    doc = notes.create(data={"text": "a"})["documentId"]
    notes.update(doc, data={"text": "b"})
    notes.delete(doc)
    assert [r["event"] for r in app.webhooks.queued(creates["id"])] == ["entry.create"]
    assert [r["event"] for r in app.webhooks.queued(deletes["id"])] == ["entry.delete"]
    assert app.webhooks.queued(off["id"]) == [] and app.webhooks.queued(similar["id"]) == []
    receiver.wait_for(1, "/c")
    receiver.wait_for(1, "/d")
    assert receiver.hits("/off") == [] and receiver.hits("/s") == []


def test_missing_documents_emit_nothing(make_app, receiver):
    app = make_app()
    app.webhooks.create(name="all", url=receiver.url(), events=ENTRY_EVENTS)
    seen = _payloads(app)
    notes = app.documents(NOTE)
    assert notes.update("x" * 24, data={"text": "no"}) is None
    assert notes.delete("x" * 24) is None
    assert app.webhooks.queued() == [] and seen == []


def test_draft_and_publish_events(make_app, receiver):
    app = make_app()
    hook = app.webhooks.create(name="posts", url=receiver.url(), events=ENTRY_EVENTS)
    seen = _payloads(app)
    posts = app.documents(POST)

    def events():
        names = [r["event"] for r in app.webhooks.queued(hook["id"])]
        assert [name for name, _ in seen] == names  # the outbox and in-process listeners agree
        return names

    draft = posts.create(data={"title": "draft", "secret": "post-secret"})
    assert events() == ["entry.create"]
    assert seen[-1][1]["entry"]["publishedAt"] is None
    published = posts.create(data={"title": "live", "secret": "post-secret"}, status="published")
    assert events()[1:] == ["entry.create", "entry.publish"]
    assert seen[-1][1]["entry"]["publishedAt"] is not None

    seen.clear()
    before = len(app.webhooks.queued(hook["id"]))

    def events():
        names = [r["event"] for r in app.webhooks.queued(hook["id"])][before:]
        assert [name for name, _ in seen] == names
        return names

    posts.update(draft["documentId"], data={"title": "draft 2"})
    posts.update(draft["documentId"], data={"title": "draft 3"}, status="published")
    posts.publish(draft["documentId"])
    posts.unpublish(published["documentId"])
    posts.publish(published["documentId"])
    posts.update(published["documentId"], data={"title": "changed draft"})
    posts.discard_draft(published["documentId"])
    posts.delete(draft["documentId"])
    assert events() == ["entry.update", "entry.update", "entry.publish", "entry.publish", "entry.unpublish",
                        "entry.publish", "entry.update", "entry.draft-discard", "entry.delete"]
    by_event = {name: payload for name, payload in seen}
    assert by_event["entry.draft-discard"]["entry"]["title"] == "live"  # the draft is the published copy again
    assert by_event["entry.draft-discard"]["entry"]["publishedAt"] is None
    assert by_event["entry.unpublish"]["entry"]["documentId"] == published["documentId"]
    assert all(p["model"] == "post" and p["uid"] == POST for _, p in seen)
    assert all("secret" not in p["entry"] for _, p in seen)
    hits = receiver.wait_for(len(seen) + before)
    assert all(b"post-secret" not in hit.body for hit in hits)


@pytest.mark.parametrize("populate", [False, True])
def test_private_fields_never_in_the_payload_and_relations_one_level(make_app, receiver, populate):
    app = make_app({"populateRelations": populate})
    app.webhooks.create(name="notes", url=receiver.url(), events=["entry.create", "entry.update"])
    author = app.documents(AUTHOR).create(data={"name": "Ada", "email": "ada@example.com", "pw": "authorpw"})
    note = app.documents(NOTE).create(data={"text": "n", "secret": "notesecret", "pw": "notepw",
                                            "author": author["documentId"]})
    app.documents(NOTE).update(note["documentId"], data={"text": "m"})
    hits = receiver.wait_for(3)  # the author's entry.create, the note's entry.create and entry.update
    assert sorted(hit.json()["uid"] for hit in hits) == [AUTHOR, NOTE, NOTE]
    for hit in hits:
        entry = hit.json()["entry"]
        for leaked in (b"ada@example.com", b"authorpw", b"notesecret", b"notepw"):
            assert leaked not in hit.body
        assert "secret" not in entry and "pw" not in entry and "email" not in entry
        if hit.json()["uid"] == AUTHOR:
            assert entry["name"] == "Ada"
        elif populate:
            assert entry["author"]["documentId"] == author["documentId"] and entry["author"]["name"] == "Ada"
            assert "email" not in entry["author"] and "pw" not in entry["author"]
            assert "notes" not in entry["author"]  # one level only
        else:
            assert "author" not in entry


def test_custom_events_from_app_events_emit(make_app, receiver):
    app = make_app()
    paid = app.webhooks.create(name="paid", url=receiver.url("/paid"), events=["order.paid"])
    app.webhooks.create(name="other", url=receiver.url("/other"), events=["order.refunded", "entry.create"])
    heard = []
    app.events.on("order.paid", lambda name, payload: heard.append((name, payload)))
    payload = {"orderId": 7, "amount": "12.50", "items": [{"sku": "A"}]}
    app.events.emit("order.paid", payload)
    assert heard == [("order.paid", payload)]  # in-process, at once outside a transaction
    (hit,) = receiver.wait_for(1, "/paid")
    assert hit.event == "order.paid" and hit.json() == payload
    verify(paid["secret"], hit.headers, hit.body)
    app.events.emit("nobody.listens", {"x": 1})
    app.events.emit("not a valid name", {"x": 1})
    assert [r["event"] for r in app.webhooks.queued()] == ["order.paid"]
    assert receiver.hits("/other") == []


def test_in_process_listeners_hear_entry_events_after_commit(make_app):
    app = make_app()
    heard = []

    @app.events.on("entry.create")
    def listener(name, payload):
        heard.append((name, payload["entry"]["text"], app.documents(NOTE).count()))

    notes = app.documents(NOTE)
    with app.db.atomic():
        notes.create(data={"text": "one"})
        assert heard == []  # not before the commit
    assert heard == [("entry.create", "one", 1)]
    app.events.off("entry.create", listener)
    notes.create(data={"text": "two"})
    assert len(heard) == 1


# -- the transactional outbox -------------------------------------------------------------------


def test_outbox_rows_are_written_in_the_same_transaction(make_app, receiver):
    app = make_app()
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create", "order.paid"])
    notes = app.documents(NOTE)
    app.webhooks.wake()  # the dispatcher runs (and polls) meanwhile
    with app.db.atomic():
        notes.create(data={"text": "inside"})
        app.events.emit("order.paid", {"id": 1})
        rows = app.webhooks.queued()
        assert [(r["event"], r["status"], r["attempts"], r["webhook"]) for r in rows] == [
            ("entry.create", "pending", 0, hook["id"]), ("order.paid", "pending", 0, hook["id"])]
        assert all(r["messageId"].startswith("msg_") for r in rows)
        assert len({r["messageId"] for r in rows}) == 2
        time.sleep(0.15)  # the dispatcher, polling, neither sees nor sends uncommitted rows
        assert receiver.hits() == []
    hits = receiver.wait_for(2)
    assert sorted(h.id for h in hits) == sorted(r["messageId"] for r in rows)
    wait_until(lambda: all(r["status"] == "delivered" for r in app.webhooks.queued()))


def test_rolled_back_changes_queue_nothing(make_app, receiver):
    app = make_app()
    app.webhooks.create(name="a", url=receiver.url(), events=ENTRY_EVENTS + ["order.paid"])
    seen = _payloads(app)
    notes = app.documents(NOTE)
    kept = notes.create(data={"text": "kept"})
    receiver.wait_for(1)
    seen.clear()
    with pytest.raises(RuntimeError):
        with app.db.atomic():
            notes.create(data={"text": "rolled back"})
            notes.update(kept["documentId"], data={"text": "rolled back too"})
            notes.delete(kept["documentId"])
            app.events.emit("order.paid", {"id": 1})
            assert len(app.webhooks.queued()) == 5
            raise RuntimeError("abort")
    assert [r["event"] for r in app.webhooks.queued()] == ["entry.create"]  # only the first, committed one
    assert seen == []
    assert notes.count() == 1 and notes.find_one(kept["documentId"])["text"] == "kept"
    # A change after it is delivered; the rolled back ones never are.
    notes.create(data={"text": "sentinel"})
    hits = receiver.wait_for(2)
    assert [h.json()["entry"]["text"] for h in hits] == ["kept", "sentinel"]


def test_a_rolled_back_savepoint_queues_nothing_and_tells_no_listener(make_app, receiver):
    app = make_app()
    app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    seen = _payloads(app, ["entry.create"])
    notes = app.documents(NOTE)
    with app.db.atomic():
        notes.create(data={"text": "outer"})
        with pytest.raises(RuntimeError):
            with app.db.atomic():
                notes.create(data={"text": "inner, rolled back"})
                raise RuntimeError("abort the savepoint only")
    assert [n["text"] for n in notes.find_many()] == ["outer"]
    assert len(app.webhooks.queued()) == 1
    (hit,) = receiver.wait_for(1)
    assert hit.json()["entry"]["text"] == "outer"
    # In-process listeners hear only what was committed, too.
    assert [p["entry"]["text"] for _, p in seen] == ["outer"]


@pytest.mark.parametrize("data", [
    {},  # text is required
    {"text": "x" * 51},  # too long
    {"text": "ok", "author": "no-such-document-000000"},  # a relation to nothing
    {"text": "ok", "unknown": 1},
])
def test_a_validation_error_queues_nothing(make_app, receiver, data):
    app = make_app()
    app.webhooks.create(name="a", url=receiver.url(), events=ENTRY_EVENTS)
    seen = _payloads(app)
    with pytest.raises(ValidationError):
        app.documents(NOTE).create(data=data)
    assert app.webhooks.queued() == [] and seen == []
    assert app.documents(NOTE).count() == 0


def test_bulk_writes_queue_one_row_per_document(make_app, receiver):
    app = make_app()
    app.webhooks.create(name="a", url=receiver.url(), events=ENTRY_EVENTS)
    notes = app.documents(NOTE)
    created = notes.create_many(data=[{"text": f"n{i}"} for i in range(3)])
    assert created["count"] == 3
    notes.update_many(filters={"text": {"$in": ["n0", "n1"]}}, data={"text": "bulk"})
    notes.delete_many(filters={"text": "bulk"})
    events = [r["event"] for r in app.webhooks.queued()]
    assert events == ["entry.create"] * 3 + ["entry.update"] * 2 + ["entry.delete"] * 2
    with pytest.raises(ValidationError):
        notes.create_many(data=[{"text": "fine"}, {"text": "y" * 60}])  # one bad item: nothing at all
    assert len(app.webhooks.queued()) == 7
    hits = receiver.wait_for(7)
    assert len({h.id for h in hits}) == 7


def test_an_app_never_built_records_events_when_its_content_is_first_used(make_app, receiver):
    first = make_app()
    first.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    first.destroy()
    later = make_app(build=False)  # a script: no build, and app.webhooks never touched
    later.documents(NOTE).create(data={"text": "from a script"})
    assert later.webhooks.ready
    assert [row["event"] for row in later.webhooks.queued()] == ["entry.create"]


def test_reading_app_webhooks_does_nothing(make_app):
    app = make_app(build=False)
    hooks = app.webhooks
    assert hooks is app.webhooks and not hooks.ready and hooks.dispatcher is None
    assert not (app.db.ready if app._db is not None else False)


def test_an_in_memory_app_used_again_after_destroy_has_its_tables(receiver):
    app = App(config={"database": {"connection": {"connection": {"filename": ":memory:"}}},
                      "server": {"webhooks": {"allowPrivate": True}}})
    app.content_types.register("api::memo.memo", {
        "kind": "collectionType", "info": {"singularName": "memo", "pluralName": "memos"},
        "attributes": {"text": {"type": "string"}}})
    app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    app.documents("api::memo.memo").create(data={"text": "one"})
    app.destroy()
    app.documents("api::memo.memo").create(data={"text": "two"})  # a new in-memory database: tables made again
    assert app.webhooks.list() == [] and app.documents("api::memo.memo").count() == 1
    app.destroy()
