"""Media fields on entries, written and read over the REST API with files the upload plugin stored;
linking at upload time (ref, refId, field); the media.* events."""

from __future__ import annotations

import json

import pytest

from tests.receiver import FAST

from .conftest import image, send, stored


@pytest.fixture
def files(client) -> dict[str, dict]:
    """A PNG, a JPEG and a text file, by name."""
    png, jpeg = send(client, ("sunset.png", image(600, 400)), ("ocean.jpg", image(300, 200, "JPEG"))).get_json()
    [text] = send(client, ("notes.txt", b"notes")).get_json()
    return {"png": png, "jpeg": jpeg, "txt": text}


def create(client, data: dict, query: str = "") -> dict:
    answer = client.post(f"/api/posts{query}", json={"data": {"title": "t", **data}})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()["data"]


def put(client, doc: str, data: dict, query: str) -> dict:
    answer = client.put(f"/api/posts/{doc}{query}", json={"data": data})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()["data"]


def names(value) -> object:
    if value is None:
        return None
    return [f["name"] for f in value] if isinstance(value, list) else value["name"]


def test_ids_documentids_and_objects_link_files_and_are_not_populated_unless_asked(client, files):
    png, jpeg, txt = files["png"], files["jpeg"], files["txt"]
    post = create(client, {"cover": png["documentId"], "gallery": [jpeg["id"], {"id": png["id"]}],
                           "attachment": {"documentId": txt["documentId"]}})
    assert not {"cover", "gallery", "attachment"} & set(post)
    got = client.get(f"/api/posts/{post['documentId']}?populate=*").get_json()["data"]
    assert (names(got["cover"]), names(got["gallery"]), names(got["attachment"])) == \
        ("sunset.png", ["ocean.jpg", "sunset.png"], "notes.txt")
    assert "isUrlSigned" not in got["cover"] and "folderPath" not in got["cover"]
    assert got["cover"] == {k: v for k, v in png.items() if k != "isUrlSigned"}
    picked = client.get(f"/api/posts/{post['documentId']}?populate[cover][fields][0]=url").get_json()["data"]
    assert picked["cover"] == {"id": png["id"], "documentId": png["documentId"], "url": png["url"]}


def test_connect_disconnect_and_null(client, files):
    png, jpeg = files["png"], files["jpeg"]
    doc = create(client, {"gallery": [jpeg["id"]]})["documentId"]
    query = "?populate[gallery][fields][0]=name&populate[cover][fields][0]=name"
    assert names(put(client, doc, {"gallery": {"connect": [png["id"]]}}, query)["gallery"]) == \
        ["ocean.jpg", "sunset.png"]
    assert names(put(client, doc, {"gallery": {"disconnect": [jpeg["id"]]}}, query)["gallery"]) == ["sunset.png"]
    # Strapi ignores connect on a single media field; here it sets it.
    assert names(put(client, doc, {"cover": {"connect": [jpeg["id"]]}}, query)["cover"]) == "ocean.jpg"
    assert names(put(client, doc, {"cover": png["documentId"]}, query)["cover"]) == "sunset.png"
    assert put(client, doc, {"cover": None}, query)["cover"] is None


def test_a_missing_file_is_strapis_400(client, files):
    answer = client.post("/api/posts", json={"data": {"title": "Bad media", "cover": 9999}})
    message = "1 relation(s) of type plugin::upload.file associated with this entity do not exist"
    assert answer.status_code == 400
    assert answer.get_json()["error"] == {"status": 400, "name": "ValidationError", "message": message,
                                          "details": {"errors": [{"path": [], "message": message,
                                                                  "name": "ValidationError"}]}}
    two = client.post("/api/posts", json={"data": {"gallery": [9998, "nope", files["png"]["id"]]}})
    assert two.status_code == 400 and two.get_json()["error"]["message"].startswith("2 relation(s)")
    assert client.get("/api/posts").get_json()["data"] == []


def test_allowed_types_are_enforced(client, files):
    for data in ({"attachment": files["png"]["id"]}, {"gallery": [files["txt"]["id"]]}):
        answer = client.post("/api/posts", json={"data": {"title": "t", **data}})
        assert answer.status_code == 400, data
        error = answer.get_json()["error"]
        assert error["name"] == "ValidationError" and error["details"]["errors"][0]["path"] == list(data)
    assert client.get("/api/posts").get_json()["data"] == []
    create(client, {"cover": files["txt"]["id"], "attachment": files["txt"]["id"]})  # cover takes both


def test_the_v4_format_nests_files_in_data(client, files):
    doc = create(client, {"cover": files["png"]["id"], "gallery": [files["jpeg"]["id"]]})["documentId"]
    got = client.get(f"/api/posts/{doc}?fields[0]=title&populate[cover][fields][0]=url&populate[gallery]"
                     "[fields][0]=url&populate[attachment][fields][0]=url",
                     headers={"Strapi-Response-Format": "v4"}).get_json()["data"]
    attributes = got["attributes"]
    assert attributes["cover"]["data"]["attributes"] == {"url": files["png"]["url"]}
    assert [f["attributes"]["url"] for f in attributes["gallery"]["data"]] == [files["jpeg"]["url"]]
    assert attributes["attachment"] == {"data": None}


def test_upload_with_ref_links_the_new_file_by_id_or_document_id(client, files, uploads):
    post = create(client, {"gallery": [files["jpeg"]["id"]]})
    for ref_id in (str(post["id"]), post["documentId"]):
        answer = send(client, ("tiny.png", image(20, 10)), ref="api::post.post", refId=ref_id, field="gallery")
        assert answer.status_code == 201 and answer.get_json()[0]["name"] == "tiny.png"
    one = send(client, ("doc.pdf", b"%PDF-1.4"), ref="api::post.post", refId=post["documentId"], field="cover")
    assert one.status_code == 201
    got = client.get(f"/api/posts/{post['documentId']}?populate=*").get_json()["data"]
    assert names(got["gallery"]) == ["ocean.jpg", "tiny.png", "tiny.png"] and names(got["cover"]) == "doc.pdf"


@pytest.mark.parametrize("fields, key", [
    ({"ref": "api::nope.nope", "refId": "1", "field": "cover"}, "ref"),
    ({"ref": "api::post.post", "refId": "999", "field": "cover"}, "refId"),
    ({"ref": "api::post.post", "refId": "nodoc", "field": "cover"}, "refId"),
    ({"ref": "api::post.post", "refId": "1", "field": "title"}, "field"),
    ({"ref": "api::post.post", "refId": "1", "field": "covr"}, "field"),
    ({"ref": "api::post.post", "refId": "1"}, "field"),
    ({"ref": "api::post.post", "refId": "1", "field": "attachment"}, "attachment"),  # an image, files only
])
def test_a_bad_ref_is_400_and_leaves_no_file(client, uploads, fields, key):
    create(client, {})
    before = stored(uploads)
    answer = send(client, ("tiny.png", image(300, 200)), **fields)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.get_json()["error"]["details"]["errors"][0]["path"] == [key]
    assert stored(uploads) == before
    assert [f["name"] for f in client.get("/api/upload/files").get_json()] == []


def test_media_events_reach_listeners_and_webhooks_without_private_fields(make, receiver):
    app = make(webhooks=FAST)
    client = app.test_client()
    app.webhooks.create(name="media", url=receiver.url(), events=["media.create", "media.update", "media.delete",
                                                                  "entry.create"])
    heard = []
    app.events.on("*", lambda name, payload: heard.append((name, payload)))
    [file] = send(client, ("notes.txt", b"notes")).get_json()
    updated = client.post(f"/api/upload?id={file['id']}", data={"fileInfo": '{"caption":"new"}'},
                          content_type="multipart/form-data")
    assert updated.status_code == 200 and updated.get_json()["caption"] == "new"
    assert client.delete(f"/api/upload/files/{file['id']}").status_code == 200
    hits = receiver.wait_for(3)
    assert [hit.json()["event"] for hit in hits] == ["media.create", "media.update", "media.delete"]
    assert [name for name, _ in heard] == ["media.create", "media.update", "media.delete"]
    for hit in hits:
        body = hit.json()
        assert set(body) == {"event", "createdAt", "media"}
        assert body["media"]["hash"] == file["hash"] and "folderPath" not in json.dumps(body)


def test_populate_related_lists_every_link_with_its_type(client, files):
    png, jpeg = files["png"], files["jpeg"]
    first = create(client, {"title": "first", "cover": png["id"], "gallery": [png["id"], jpeg["id"]]})
    create(client, {"title": "second", "gallery": [jpeg["id"]]})
    listed = client.get(f"/api/upload/files?populate=related&fields[0]=name&filters[id][$in][0]={png['id']}"
                        f"&filters[id][$in][1]={jpeg['id']}&filters[id][$in][2]={files['txt']['id']}").get_json()
    related = {f["name"]: [(e["__type"], e["title"]) for e in f["related"]] for f in listed}
    assert related == {"sunset.png": [("api::post.post", "first")] * 2,
                       "ocean.jpg": [("api::post.post", "first"), ("api::post.post", "second")],
                       "notes.txt": []}
    one = client.get(f"/api/upload/files/{png['id']}?populate[related]=true").get_json()
    assert [e["documentId"] for e in one["related"]] == [first["documentId"]] * 2
    assert "related" not in client.get(f"/api/upload/files/{png['id']}").get_json()
