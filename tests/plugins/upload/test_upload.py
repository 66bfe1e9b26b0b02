"""POST /api/upload and the file routes, through the test client: Strapi's answers, and where Strapi
breaks, a clear 4xx with nothing left behind."""

from __future__ import annotations

import re

import pytest

from .conftest import image, send, stored

KEYS = ["id", "documentId", "name", "alternativeText", "caption", "focalPoint", "width", "height", "formats",
        "hash", "ext", "mime", "size", "url", "previewUrl", "provider", "provider_metadata", "createdAt",
        "updatedAt", "publishedAt", "isUrlSigned"]
FORMAT_KEYS = ["name", "hash", "ext", "mime", "path", "width", "height", "size", "sizeInBytes", "url"]


def test_one_image_answers_201_with_strapis_file_object_and_formats(client, uploads):
    info = '{"name":"sunset-main.png","alternativeText":"A sunset","caption":"Evening sky"}'
    answer = send(client, ("sunset.png", image(600, 400)), fileInfo=info)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    [file] = answer.get_json()
    assert list(file) == KEYS
    assert re.fullmatch(r"sunset_main_[0-9a-f]{10}", file["hash"])
    assert file | {"id": 0, "documentId": "", "hash": "", "size": 0, "url": "", "formats": {}, "createdAt": "",
                   "updatedAt": "", "publishedAt": ""} == {
        "id": 0, "documentId": "", "name": "sunset-main.png", "alternativeText": "A sunset",
        "caption": "Evening sky", "focalPoint": None, "width": 600, "height": 400, "formats": {}, "hash": "",
        "ext": ".png", "mime": "image/png", "size": 0, "url": "", "previewUrl": None, "provider": "local",
        "provider_metadata": None, "createdAt": "", "updatedAt": "", "publishedAt": "", "isUrlSigned": False}
    assert file["url"] == f"/uploads/{file['hash']}.png"
    assert list(file["formats"]) == ["thumbnail", "small"]
    thumb, small = file["formats"]["thumbnail"], file["formats"]["small"]
    assert list(thumb) == FORMAT_KEYS
    assert (thumb["width"], thumb["height"], small["width"], small["height"]) == (234, 156, 500, 333)
    assert thumb["name"] == "thumbnail_sunset-main.png" and thumb["hash"] == f"thumbnail_{file['hash']}"
    assert thumb["url"] == f"/uploads/thumbnail_{file['hash']}.png" and thumb["path"] is None
    assert thumb["size"] == round(thumb["sizeInBytes"] / 1000, 2)
    on_disk = {f"{file['hash']}.png", f"thumbnail_{file['hash']}.png", f"small_{file['hash']}.png"}
    assert stored(uploads) == on_disk
    assert file["size"] == round((uploads / f"{file['hash']}.png").stat().st_size / 1000, 2)
    assert file["createdAt"] == file["publishedAt"]


def test_a_large_jpeg_gets_every_breakpoint_and_a_small_image_none(client):
    answer = send(client, ("ocean.jpg", image(1200, 800, "JPEG")), ("tiny.png", image(200, 100)),
                  fileInfo='[{"name":"ocean-wide.jpg","alternativeText":"Ocean"},{"name":"tiny-red.png"}]')
    assert answer.status_code == 201
    ocean, tiny = answer.get_json()
    assert (ocean["name"], ocean["alternativeText"], tiny["name"], tiny["alternativeText"]) == \
        ("ocean-wide.jpg", "Ocean", "tiny-red.png", None)
    sizes = {k: (v["width"], v["height"]) for k, v in ocean["formats"].items()}
    assert sizes == {"thumbnail": (234, 156), "large": (1000, 667), "medium": (750, 500), "small": (500, 333)}
    assert list(ocean["formats"]) == ["thumbnail", "large", "medium", "small"]
    assert ocean["mime"] == "image/jpeg" and ocean["ext"] == ".jpg"
    assert tiny["formats"] is None and (tiny["width"], tiny["height"]) == (200, 100)
    assert ocean["id"] < tiny["id"]  # stored in the order sent


def test_order_follows_the_request_so_file_info_always_describes_its_file(client):
    for _ in range(3):
        answer = send(client, ("a.txt", b"first"), ("b.pdf", b"%PDF-1.4 second"),
                      fileInfo='[{"caption":"the text"},{"caption":"the pdf"}]')
        a, b = answer.get_json()
        assert (a["mime"], a["caption"], b["mime"], b["caption"]) == \
            ("text/plain", "the text", "application/pdf", "the pdf")


def test_the_name_keeps_a_foreign_extension_in_the_hash(client):
    [file] = send(client, ("tiny.png", image(20, 10)), fileInfo='{"name":"ocean-wide.jpg"}').get_json()
    assert re.fullmatch(r"ocean_wide_jpg_[0-9a-f]{10}", file["hash"]) and file["ext"] == ".png"


def test_non_images_have_no_dimensions_and_a_type_from_their_bytes(client):
    [txt] = send(client, ("notes.txt", b"some notes\n")).get_json()
    assert (txt["mime"], txt["width"], txt["height"], txt["formats"], txt["size"]) == ("text/plain", None, None,
                                                                                     None, 0.01)
    [fake] = send(client, ("photo.txt", image(30, 30))).get_json()
    assert fake["mime"] == "image/png" and fake["ext"] == ".txt" and fake["width"] == 30


@pytest.mark.parametrize("fields", [{"foo": "bar"}, {}])
def test_no_files_is_strapis_400(client, fields):
    answer = client.post("/api/upload", data=fields, content_type="multipart/form-data")
    assert answer.status_code == 400
    assert answer.get_json()["error"] == {"status": 400, "name": "ValidationError", "message": "Files are empty",
                                          "details": {}}


def test_a_wrong_field_name_is_strapis_400(client, uploads):
    answer = client.post("/api/upload", data={"file": (__import__("io").BytesIO(b"x"), "x.txt")},
                         content_type="multipart/form-data")
    assert answer.status_code == 400 and answer.get_json()["error"]["message"] == "Files are empty"
    assert stored(uploads) == set()


def test_over_the_size_limit_is_strapis_413_and_nothing_is_kept(make, uploads):
    client = make({"sizeLimit": 1024 * 1024}).test_client()
    answer = send(client, ("big.txt", b"x" * (1536 * 1024)))
    assert answer.status_code == 413
    assert answer.get_json()["error"] == {"status": 413, "name": "PayloadTooLargeError",
                                          "message": "big.txt exceeds size limit of 1 MB.", "details": {}}
    assert stored(uploads) == set()
    assert client.get("/api/upload/files").get_json() == []


@pytest.mark.parametrize("info, path", [
    ("notjson", ["fileInfo"]), ("[1]", ["fileInfo", "0"]), ('{"bogus":1}', ["fileInfo", "0"]),
    ('{"name":5}', ["fileInfo", "0"]), ('{"name":"a/b"}', ["fileInfo", "0"]),
    ('[{},{}]', ["fileInfo"]),
])
def test_bad_file_info_is_400_and_nothing_is_kept(client, uploads, info, path):
    answer = send(client, ("tiny.png", image(20, 10)), fileInfo=info)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    error = answer.get_json()["error"]
    assert error["name"] == "ValidationError" and error["details"]["errors"][0]["path"] == path
    assert stored(uploads) == set()
    assert client.get("/api/upload/files").get_json() == []


def test_list_filters_sorts_and_picks_fields_and_honours_pagination(client):
    send(client, ("a.png", image(300, 200)))
    send(client, ("b.txt", b"text"))
    send(client, ("c.jpg", image(400, 300, "JPEG")))
    listed = client.get("/api/upload/files?filters[mime][$contains]=image&sort=size:desc"
                        "&fields[0]=name&fields[1]=mime&fields[2]=size").get_json()
    assert [set(f) for f in listed] == [{"id", "documentId", "name", "mime", "size", "isUrlSigned"}] * 2
    assert [f["size"] for f in listed] == sorted((f["size"] for f in listed), reverse=True)
    assert {f["name"] for f in listed} == {"a.png", "c.jpg"}
    page = client.get("/api/upload/files?pagination[page]=1&pagination[pageSize]=2&fields[0]=name").get_json()
    assert [f["name"] for f in page] == ["a.png", "b.txt"]
    assert client.get("/api/upload/files?filters[nope][$eq]=1").status_code == 400
    assert client.get("/api/upload/files?fields[0]=folderPath").status_code == 400


def test_the_page_route_answers_data_and_meta(client):
    for name in ("a.txt", "b.txt", "c.txt"):
        send(client, (name, b"x"))
    body = client.get("/api/upload/files/page?pagination[page]=2&pagination[pageSize]=2").get_json()
    assert [f["name"] for f in body["data"]] == ["c.txt"]
    assert body["meta"] == {"pagination": {"page": 2, "pageSize": 2, "pageCount": 2, "total": 3}}


def test_routes_are_closed_until_granted(make):
    client = make(grant=[]).test_client()
    for method, path in (("POST", "/api/upload"), ("GET", "/api/upload/files"), ("GET", "/api/upload/files/page"),
                         ("GET", "/api/upload/files/1"), ("DELETE", "/api/upload/files/1")):
        answer = client.open(path, method=method)
        assert answer.status_code == 403 and answer.get_json()["error"]["message"] == "Forbidden", path


def test_get_one_by_id_only_and_404_is_file_not_found(client):
    [file] = send(client, ("a.txt", b"x")).get_json()
    got = client.get(f"/api/upload/files/{file['id']}").get_json()
    assert got == file
    for ref in (file["documentId"], "999", "-1", "1e3", "٣"):
        answer = client.get(f"/api/upload/files/{ref}")
        assert answer.status_code == 404
        assert answer.get_json()["error"] == {"status": 404, "name": "NotFoundError", "message": "file.notFound",
                                              "details": {}}


def test_delete_answers_the_file_and_removes_every_stored_object_and_link(client, uploads):
    [file] = send(client, ("sunset.png", image(600, 400))).get_json()
    post = client.post("/api/posts", json={"data": {"title": "t", "cover": file["id"], "gallery": [file["id"]]}})
    assert post.status_code == 201, post.get_data(as_text=True)
    assert len(stored(uploads)) == 3
    gone = client.delete(f"/api/upload/files/{file['id']}")
    assert gone.status_code == 200 and gone.get_json() == file
    assert stored(uploads) == set()
    assert client.get(f"/api/upload/files/{file['id']}").status_code == 404
    assert client.delete(f"/api/upload/files/{file['id']}").status_code == 404
    doc = post.get_json()["data"]["documentId"]
    read = client.get(f"/api/posts/{doc}?populate=*").get_json()["data"]
    assert read["cover"] is None and read["gallery"] == []


def test_the_static_url_serves_the_file_as_strapis_local_provider(client):
    [file] = send(client, ("notes.txt", b"hello notes\n")).get_json()
    got = client.get(file["url"])
    assert got.status_code == 200 and got.get_data() == b"hello notes\n"
    assert got.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert got.headers["Cache-Control"] == "max-age=0" and got.headers["Accept-Ranges"] == "bytes"
    assert "Last-Modified" in got.headers and got.headers["Content-Length"] == "12"
    head = client.head(file["url"])
    assert head.status_code == 200 and head.get_data() == b""
    ranged = client.get(file["url"], headers={"Range": "bytes=0-4"})
    assert ranged.status_code == 206 and ranged.get_data() == b"hello"
    for missing in ("/uploads/nope.txt", "/uploads/../upload.db", "/uploads/%2e%2e/upload.db", "/uploads/"):
        answer = client.get(missing)
        assert answer.status_code == 404, missing
        assert answer.get_json()["error"]["name"] == "NotFoundError"
