"""Misspelt keys in config/server.py and config/api.py fail the load, naming the file, the key and the
closest valid one; Strapi's keys minikoa does not use still load."""

from __future__ import annotations

import pytest

from minikoa import App
from minikoa.project.loader import LoadError


@pytest.mark.parametrize("file, text, message", [
    ("server", "config = {'host': '127.0.0.1', 'prot': 1337}\n", "unknown key 'prot'; did you mean 'port'?"),
    ("server", "config = {'webhooks': {'populateRelation': True}}\n",
     "unknown key 'webhooks.populateRelation'; did you mean 'populateRelations'?"),
    ("server", "config = {'app': {'kyes': ['a']}}\n", "unknown key 'app.kyes'; did you mean 'keys'?"),
    ("api", "config = {'rest': {'defaultLimt': 10}}\n", "unknown key 'rest.defaultLimt'; did you mean 'defaultLimit'?"),
    ("api", "config = {'response': {}}\n", "unknown key 'response'; did you mean 'responses'?"),
])
def test_a_misspelt_key_names_the_file_and_the_closest(project, file, text, message):
    root = project({f"config/{file}.py": text})
    with pytest.raises(LoadError) as caught:
        App.load(root)
    assert str(caught.value).startswith(str(root / "config" / f"{file}.py"))
    assert message in str(caught.value)


def test_strapis_keys_minikoa_has_no_use_for_still_load(project):
    root = project({"config/server.py": "config = {'host': '127.0.0.1', 'port': 1337, 'url': 'https://x.test', "
                                        "'cron': {'enabled': False}, 'emitErrors': False}\n",
                    "config/api.py": "config = {'rest': {'prefix': '/v1', 'maxLimit': 50}, "
                                     "'responses': {'privateAttributes': []}}\n"})
    app = App.load(root)
    assert app.config.get("api.rest.prefix") == "/v1"
    app.destroy()
