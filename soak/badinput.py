"""Bad input by family: each request must be refused with a 4xx, never a 5xx or a 2xx."""

from __future__ import annotations

from collections import Counter

import requests

TIMEOUT = 60

#: family -> [(method, path, headers, body)]
FAMILIES: dict[str, list[tuple[str, str, dict[str, str], bytes | None]]] = {
    "malformed JSON": [("POST", "/api/notes", {"Content-Type": "application/json"}, body)
                       for body in (b"{", b'{"data": ', b"\xff\xfe", b'{"data": "\\ud800"}', b"[1,2", b"NaN")],
    "wrong shape": [("POST", "/api/notes", {"Content-Type": "application/json"}, body)
                    for body in (b"[]", b'{"data": []}', b'{"data": {"title": 5}}', b'{"data": {"nope": 1}}',
                                 b'{"data": {"views": "many"}}', b'{"data": {"tags": {"connect": [{}]}}}')],
    "hostile queries": [("GET", path, {}, None) for path in (
        "/api/notes?populate[tags][populate][notes][populate][tags][populate][notes][populate][tags]"
        "[populate][notes]=*", "/api/notes?filters[title][$regex]=x", "/api/notes?filters[password][$eq]=1",
        "/api/notes?sort=nope:asc", "/api/notes?pagination[pageSize]=99999999999999999999",
        "/api/notes?filters[views][$gt]=abc", "/api/notes?filters" + "[title]" * 100 + "=1",
        "/api/notes?fields[0]=" + "x" * 5000)],
    "bodies": [("POST", "/api/notes", {"Content-Type": "application/json"}, b'{"data":{"title":"' + b"x" * 2_000_000
                + b'"}}'), ("POST", "/api/notes", {"Content-Type": "application/json", "Content-Encoding": "zstd"},
                            b"{}"), ("POST", "/api/notes", {"Content-Type": "text/plain"}, b"hello")],
    "paths": [("GET", path, {}, None) for path in ("/api/notes/%2e%2e%2fetc", "/../../etc/passwd",
                                                    "/api/" + "n" * 10000, "/api/notes/\u00ff")],
    "methods": [("PATCH", "/api/notes", {}, None), ("DELETE", "/api/notes", {}, None)],
}


class Results(Counter[str]):
    misses: int = 0


def try_all(url: str) -> Results:
    """Send every bad request; counts per family, and ``misses``: answers that were not a 4xx."""
    results = Results()
    session = requests.Session()
    for family, cases in FAMILIES.items():
        for method, path, headers, body in cases:
            try:
                status = session.request(method, url + path, headers=headers, data=body, timeout=TIMEOUT).status_code
            except requests.RequestException:
                status = 0
            results[family] += 1
            if not 400 <= status < 500:
                results.misses += 1
                print(f"soak: {method} {path[:80]} answered {status}")
    return results
