"""The upload plugin over gunicorn: uploads from two workers at once, a large file streamed to disk
rather than held in memory, a file over the limit refused with nothing kept, the static URLs, and a
delete removing every stored file."""

from __future__ import annotations

import io
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from PIL import Image

from tests.conftest import write_project

TIMEOUT = 30  # a hang detector, not a speed check
PLUGINS = """config = {
    'users-permissions': {'config': {'jwtSecret': 'a-test-secret-that-is-long-enough-for-hs256'}},
    'upload': {'config': {'sizeLimit': 48 * 1000 * 1000}},
}
"""
MIDDLEWARES = """config = ['minikoa::errors', 'global::worker', 'minikoa::query',
          {'name': 'minikoa::body', 'config': {'formidable': {'maxFileSize': 64 * 1024 * 1024}}}]
"""
INDEX = """def bootstrap(app):
    app.permissions.grant('public', ['plugin::upload.content-api.' + a for a in
                                     ('upload', 'find', 'findOne', 'findPage', 'destroy')])
"""
#: Names the worker that answered; holds it a moment so that two requests sent together go one to each.
WORKER = """import os
import time


def middleware(config, app):
    def worker(ctx):
        ctx.set("X-Worker", str(os.getpid()))
        time.sleep(0.05)
        yield
    return worker
"""


def png(width: int, height: int, seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (seed % 256, 80, 160)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def project(tmp_path) -> Path:
    return write_project(tmp_path / "project", {"config/plugins.py": PLUGINS, "config/middlewares.py": MIDDLEWARES,
                                                "src/index.py": INDEX, "src/middlewares/worker.py": WORKER})


def start(serve, project: Path, tmp_path: Path, workers: int):
    return serve(f'minikoa.wsgi:create_app("{project}")', workers=workers,
                 env={"DATABASE_FILENAME": str(tmp_path / "media.db")})


def upload(url: str, name: str, content: bytes | object) -> requests.Response:
    return requests.post(f"{url}/api/upload", files={"files": (name, content)}, timeout=TIMEOUT)


def test_two_workers_upload_at_once_and_every_file_is_kept_once(serve, project, tmp_path):
    server = start(serve, project, tmp_path, workers=2)
    barrier = threading.Barrier(2)

    def one(i: int) -> requests.Response:
        barrier.wait(TIMEOUT)
        return upload(server.url, f"photo-{i}.png", png(400 + i, 300, i))

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(one, range(16)))
    assert all(a.status_code == 201 for a in answers), [a.text for a in answers if a.status_code != 201]
    assert len({a.headers["X-Worker"] for a in answers}) == 2
    files = [a.json()[0] for a in answers]
    assert len({f["id"] for f in files}) == len({f["hash"] for f in files}) == 16
    listed = requests.get(f"{server.url}/api/upload/files?pagination[pageSize]=100", timeout=TIMEOUT).json()
    assert sorted(f["id"] for f in listed) == sorted(f["id"] for f in files)
    uploads = project / "public" / "uploads"
    for file in files:
        assert set(file["formats"]) == {"thumbnail"}
        for url in (file["url"], file["formats"]["thumbnail"]["url"]):
            got = requests.get(server.url + url, timeout=TIMEOUT)
            assert got.status_code == 200 and got.headers["Content-Type"] == "image/png"
            assert got.content == (uploads / url.rsplit("/", 1)[1]).read_bytes()
    assert not [p for p in uploads.iterdir() if p.name.startswith(".part-")]


def _peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc to read a worker's memory")
def test_a_large_file_streams_to_disk_and_one_over_the_limit_leaves_nothing(serve, project, tmp_path):
    server = start(serve, project, tmp_path, workers=1)
    warm = upload(server.url, "warm.bin", os.urandom(600 * 1024))  # the first upload imports what uploads use
    assert warm.status_code == 201, warm.text
    worker = int(warm.headers["X-Worker"])
    requests.delete(f"{server.url}/api/upload/files/{warm.json()[0]['id']}", timeout=TIMEOUT)
    before = _peak_rss_kb(worker)
    size = 40 * 1024 * 1024  # under the 48 MB limit, and far more than the worker's memory may grow

    def chunks():
        block = os.urandom(64 * 1024)
        for _ in range(size // len(block)):
            yield block

    body = b"".join(chunks())
    answer = upload(server.url, "big.bin", body)
    assert answer.status_code == 201, answer.text
    [file] = answer.json()
    assert file["size"] == round(size / 1000, 2) and file["mime"] == "application/octet-stream"
    grown_kb = _peak_rss_kb(worker) - before  # about 3 MB here, whatever the file's size
    assert grown_kb < 12 * 1024, f"the worker's peak memory grew by {grown_kb} kB for a {size // 1024} kB file"
    uploads = project / "public" / "uploads"
    assert (uploads / f"{file['hash']}.bin").stat().st_size == size
    too_big = upload(server.url, "huge.bin", body + body[:len(body) // 4])
    assert too_big.status_code == 413
    assert too_big.json()["error"]["message"] == "huge.bin exceeds size limit of 48 MB."
    assert sorted(p.name for p in uploads.iterdir()) == [f"{file['hash']}.bin"]
    listed = requests.get(f"{server.url}/api/upload/files", timeout=TIMEOUT).json()
    assert [f["id"] for f in listed] == [file["id"]]
    gone = requests.delete(f"{server.url}/api/upload/files/{file['id']}", timeout=TIMEOUT)
    assert gone.status_code == 200 and list(uploads.iterdir()) == []
    assert requests.get(server.url + file["url"], timeout=TIMEOUT).status_code == 404
