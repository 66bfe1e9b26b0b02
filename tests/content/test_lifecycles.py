"""Lifecycle hooks as Strapi's: action names, model, params, result, state; three ways to subscribe."""

from __future__ import annotations

import types

import pytest

from minikoa import App, ValidationError
from minikoa.content.lifecycles import HOOKS, Lifecycles

TAG = "api::tag.tag"


@pytest.fixture
def app(tmp_path, database_config):
    app = App(config={"database": {"connection": database_config("l.db")}})
    for uid, plural in ((TAG, "tags"), ("api::note.note", "notes")):
        name = plural[:-1]
        app.content_types.register(uid, {
            "kind": "collectionType", "collectionName": plural,
            "info": {"singularName": name, "pluralName": plural, "displayName": name},
            "attributes": {"label": {"type": "string"}, "rank": {"type": "integer"}}})
    app.build()
    yield app
    app.destroy()


def test_a_bare_function_hears_every_event_with_strapis_action_names(app):
    events = []
    app.db.lifecycles.subscribe(lambda e: events.append((e.action, e.model.uid)))
    tags = app.db.query(TAG)
    made = tags.create(data={"label": "a"})
    tags.create_many(data=[{"label": "b"}, {"label": "c"}])
    tags.find_many(where={"label": "a"})
    tags.count()
    tags.update(where={"id": made["id"]}, data={"rank": 1})
    tags.update_many(where={"label": "b"}, data={"rank": 2})
    tags.delete(where={"id": made["id"]})
    tags.delete_many(where={"label": "c"})
    app.db.query("api::note.note").count()
    names = [action for action, _ in events]
    # create, update and delete read their row with find_one, whose hooks fire inside theirs, as in Strapi.
    assert names == [
        "beforeCreate", "beforeFindOne", "afterFindOne", "afterCreate",
        "beforeCreateMany", "afterCreateMany",
        "beforeFindMany", "afterFindMany",
        "beforeCount", "afterCount",
        "beforeUpdate", "beforeFindOne", "afterFindOne", "afterUpdate",
        "beforeUpdateMany", "afterUpdateMany",
        "beforeDelete", "beforeFindOne", "afterFindOne", "afterDelete",
        "beforeDeleteMany", "afterDeleteMany",
        "beforeCount", "afterCount",
    ]
    assert events[-1] == ("afterCount", "api::note.note")
    assert set(names) <= set(HOOKS)


def test_event_model_params_and_result(app):
    seen = []
    app.db.lifecycles.subscribe({"models": [TAG], "beforeUpdate": seen.append, "afterUpdate": seen.append})
    tags = app.db.query(TAG)
    made = tags.create(data={"label": "x"})
    tags.update(where={"id": made["id"]}, data={"rank": 3}, select=["rank"], populate=None)
    before, after = seen
    assert before.action == "beforeUpdate" and before.model.uid == TAG
    assert set(before.model.attributes) == {"label", "rank"}
    assert before.params == {"where": {"id": made["id"]}, "data": {"rank": 3}, "select": ["rank"], "populate": None}
    assert before.result is None and after.result == {"rank": 3}


def test_a_before_hook_changes_the_query(app):
    tags = app.db.query(TAG)
    tags.create_many(data=[{"label": "keep", "rank": 1}, {"label": "drop", "rank": 2}])

    def only_kept(event):
        event.params["where"] = {"$and": [event.params.get("where") or {}, {"label": "keep"}]}

    def shout(event):
        event.params["data"]["label"] = event.params["data"]["label"].upper()

    app.db.lifecycles.subscribe(models=[TAG], before_find_many=only_kept, before_create=shout)
    assert [t["label"] for t in tags.find_many()] == ["keep"]
    assert [t["label"] for t in tags.find_many(where={"rank": 2})] == []
    assert tags.count() == 2  # count has its own hooks: none here
    assert tags.create(data={"label": "new"})["label"] == "NEW"


def test_a_hook_may_replace_params_with_a_new_dict(app):
    tags = app.db.query(TAG)
    tags.create_many(data=[{"label": "a"}, {"label": "b"}])
    app.db.lifecycles.subscribe({"beforeFindMany": lambda e: setattr(e, "params", {"where": {"label": "b"}})})
    assert [t["label"] for t in tags.find_many()] == ["b"]


def test_a_before_hook_that_changes_params_wrongly_is_an_error(app):
    app.db.lifecycles.subscribe({"beforeFindMany": lambda e: e.params.update(wher={})})
    with pytest.raises(ValueError, match="did you mean 'where'"):
        app.db.query(TAG).find_many()


def test_state_is_per_subscriber_and_shared_by_before_and_after(app):
    seen = []

    def first(event):
        if event.action.startswith("before"):
            event.state["mine"] = 1
        else:
            seen.append(("first", dict(event.state)))

    def second(event):
        if event.action.startswith("before"):
            event.state["t"] = "two"
        else:
            seen.append(("second", dict(event.state)))

    app.db.lifecycles.subscribe({"beforeCount": first, "afterCount": first})
    app.db.lifecycles.subscribe({"beforeCount": second, "afterCount": second})
    assert app.db.query(TAG).count() == 0
    assert seen == [("first", {"mine": 1}), ("second", {"t": "two"})]


def test_a_raising_before_hook_cancels_the_write(app):
    def refuse_many(event):
        if any(item.get("rank") == 13 for item in event.params["data"]):
            raise ValidationError("unlucky")

    def refuse(event):
        if event.result["rank"] == 13:
            raise ValidationError("unlucky")

    app.db.lifecycles.subscribe(models=[TAG], beforeCreateMany=refuse_many, afterCreate=refuse)
    tags = app.db.query(TAG)
    with pytest.raises(ValidationError, match="unlucky"):
        tags.create_many(data=[{"rank": 1}, {"rank": 13}])
    with pytest.raises(ValidationError, match="unlucky"):
        tags.create(data={"label": "x", "rank": 13})  # the after hook raises: the insert rolls back
    assert tags.count() == 0


def test_a_class_or_object_defining_hooks_subscribes_its_hooks(app):
    seen = []

    class Audit:
        @staticmethod
        def afterCount(event):
            seen.append(("class", event.result))

    class Counter:
        def after_count(self, event):
            seen.append(("object", event.result))

    app.db.lifecycles.subscribe(Audit)
    app.db.lifecycles.subscribe(Counter())
    app.db.query(TAG).count()
    assert seen == [("class", 0), ("object", 0)]


def test_models_limit_a_subscriber_and_unsubscribe_removes_it(app):
    seen = []
    stop = app.db.lifecycles.subscribe({"models": ["api::note.note"], "afterCount": lambda e: seen.append(e.model.uid)})
    app.db.query(TAG).count()
    app.db.query("api::note.note").count()
    stop()
    app.db.query("api::note.note").count()
    assert seen == ["api::note.note"]


def test_document_service_writes_fire_hooks_too(app):
    seen = []
    app.db.lifecycles.subscribe(lambda e: seen.append((e.action, sorted(e.params))))
    app.documents(TAG).create(data={"label": "d"})
    assert seen == [("beforeCreate", ["data", "status"]), ("afterCreate", ["data", "status"])]


def test_a_document_service_update_hook_reads_the_row_as_it_was(app):
    before = []
    app.db.lifecycles.subscribe(models=[TAG], before_update=lambda e: before.append(
        app.db.query(TAG).find_one(where=e.params["where"])["label"]))
    tags = app.documents(TAG)
    doc = tags.create(data={"label": "old"})["documentId"]
    assert tags.update(doc, data={"label": "new"})["label"] == "new" and before == ["old"]


def test_unknown_hook_names_are_refused_naming_the_closest():
    life = Lifecycles()
    with pytest.raises(ValueError, match="unknown lifecycle hook 'beforeCreat'.*did you mean 'beforeCreate'"):
        life.subscribe({"beforeCreat": lambda e: None})
    with pytest.raises(ValueError, match="did you mean 'before_delete_many'"):
        life.subscribe(before_delete_mny=lambda e: None)
    with pytest.raises(TypeError, match="not callable"):
        life.subscribe({"afterCount": 3})
    with pytest.raises(TypeError, match="subscribe takes a function"):
        life.subscribe()
    # A lifecycles module: its own function named almost like a hook is a mistake, not a helper.
    module = types.ModuleType("lifecycles")
    exec("def afterUpdat(event):\n    pass\n", module.__dict__)
    with pytest.raises(ValueError, match="did you mean 'afterUpdate'"):
        life.subscribe(module)


def test_a_content_types_lifecycles_file_hears_the_query_engine(project):
    root = project({
        "src/api/note/content-types/note/schema.json": (
            '{"kind": "collectionType", "collectionName": "notes", "info": {"singularName": "note", '
            '"pluralName": "notes", "displayName": "Note"}, "attributes": {"text": {"type": "string"}}}'),
        "src/api/note/content-types/note/lifecycles.py": (
            "def beforeCreate(event):\n"
            "    event.params['data']['text'] = event.params['data']['text'].strip()\n"
            "def after_find_many(event):\n"
            "    event.state['n'] = len(event.result)\n"),
        "config/database.py": "config = {'connection': {'connection': {'filename': '.tmp/n.db'}}}\n",
    })
    app = App.load(root)
    assert app.db.query("api::note.note").create(data={"text": "  hi  "})["text"] == "hi"
    assert app.documents("api::note.note").create(data={"text": " doc "})["text"] == "doc"
    app.destroy()
