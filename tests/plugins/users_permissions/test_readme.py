"""The README's policy example, run as it is written: the built-in policies and a policy of one's own."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

from .conftest import bearer, error, give_role, register


def readme_block(section: str) -> str:
    """The first ```python block after the README heading ``section``."""
    text = (ROOT / "README.md").read_text()
    start = text.index(f"\n{section}\n")
    found = re.search(r"```python\n(.*?)```", text[start:], re.S)
    assert found, section
    return found[1]


@pytest.fixture
def example(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", "a-test-secret-that-is-long-enough-for-hs256")
    namespace: dict = {}
    exec(compile(readme_block("### Policies"), "README.md (Policies)", "exec"), namespace)  # noqa: S102
    app = namespace["app"]
    yield app
    app.destroy()


def test_the_policy_example_works(example):
    client = example.test_client()
    jwt, ada = register(client, "ada")
    _, bob = register(client, "bob")
    res = client.put(f"/profiles/{ada['id']}", headers=bearer(jwt))
    assert res.status_code == 200 and res.json == {"updated": str(ada["id"]), "by": "ada"}
    err = error(client.put(f"/profiles/{bob['id']}", headers=bearer(jwt)), 403)
    assert (err["name"], err["message"], err["details"]) == ("PolicyError", "Only your own profile",
                                                             {"policy": "is-self"})
    assert error(client.put(f"/profiles/{ada['id']}"), 403)["message"] == "Policy Failed"  # isAuthenticated
    assert error(client.put(f"/profiles/{ada['id']}", headers=bearer("x.y.z")), 401)["name"] == "UnauthorizedError"
    assert error(client.get("/reports", headers=bearer(jwt)), 403)["message"] == "Policy Failed"  # hasRole
    example.permissions.create_role("Editor")
    give_role(example, ada["id"], "editor")
    assert client.get("/reports", headers=bearer(jwt)).json == {"reports": []}
