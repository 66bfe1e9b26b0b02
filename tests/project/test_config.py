"""Config files, env helpers, dotted lookups, .env files."""

from __future__ import annotations

import pytest

from minikoa.project.config import Config, ConfigError, Env, environment_name, load_dotenv


def test_env_readers():
    env = Env({"S": "text", "I": " 42 ", "F": "1.5", "B": "true", "B0": "0", "J": '{"a": [1]}',
               "A": "[a, 'b',c]", "BAD": "x"})
    assert env("S") == "text" and env("NOPE", "dflt") == "dflt"
    assert env.int("I") == 42 and env.int("NOPE", 7) == 7
    assert env.float("F") == 1.5
    assert env.bool("B") is True and env.bool("B0") is False and env.bool("NOPE", True) is True
    assert env.json("J") == {"a": [1]}
    assert env.array("A") == ["a", "b", "c"] and env.array("NOPE", ["x"]) == ["x"]
    for reader in (env.int, env.float, env.bool, env.json):
        with pytest.raises(ConfigError, match="BAD"):
            reader("BAD")


def test_dotted_get_and_set():
    config = Config({"api": {"rest": {"defaultLimit": 10}}, "middlewares": ["a", "b"]})
    assert config.get("api.rest.defaultLimit", 25) == 10
    assert config.get("api.rest.maxLimit", 100) == 100
    assert config.get("middlewares.1") == "b"
    assert config.get("nope.deeper") is None
    config.set("server.app.keys", ["k"])
    assert config["server"] == {"app": {"keys": ["k"]}}


def test_load_py_json_function_and_environment_overrides(tmp_path):
    cfg = tmp_path / "config"
    (cfg / "env" / "production").mkdir(parents=True)
    (cfg / "server.py").write_text(
        "def config(env):\n    return {'host': env('HOST', '0.0.0.0'), 'port': env.int('PORT', 1337),\n"
        "            'app': {'keys': ['a'], 'name': 'x'}}\n")
    (cfg / "api.json").write_text('{"rest": {"defaultLimit": 5}}')
    (cfg / "middlewares.py").write_text("config = ['minikoa::errors', {'name': 'global::t'}]\n")
    (cfg / "env" / "production" / "server.py").write_text("config = {'app': {'keys': ['prod']}}\n")
    (cfg / "_private.py").write_text("raise RuntimeError('not a config file')\n")

    dev = Config.load(cfg, Env({"PORT": "8080"}), environment="development")
    assert dev.get("server.port") == 8080 and dev.get("server.host") == "0.0.0.0"
    assert dev.get("api.rest.defaultLimit") == 5
    assert dev.get("middlewares") == ["minikoa::errors", {"name": "global::t"}]
    prod = Config.load(cfg, Env({}), environment="production")
    assert prod.get("server.app") == {"keys": ["prod"], "name": "x"}  # deep merge


@pytest.mark.parametrize("name, text, message", [
    ("server.py", "x = 1\n", "defines no `config`"),
    ("server.py", "config = [1]\n", "must be a dict"),
    ("middlewares.py", "config = {'a': 1}\n", "must be a list"),
    ("server.py", "config = {\n", "syntax error"),
    ("api.json", "{nope", "invalid JSON"),
    ("server.py", "def config(env):\n    return {'port': env.int('PORT')}\n", "PORT"),
])
def test_bad_config_files_name_the_file(tmp_path, name, text, message):
    (tmp_path / name).write_text(text)
    with pytest.raises(Exception, match=message) as err:
        Config.load(tmp_path, Env({"PORT": "abc"}))
    assert name in str(err.value)


def test_dotenv(tmp_path):
    path = tmp_path / ".env"
    path.write_text("# comment\nA=1\nexport B='two words'\nC=\"x\"\nD=plain # note\nEXISTING=new\n\n")
    environ = {"EXISTING": "old"}
    added = load_dotenv(path, environ)
    assert environ == {"EXISTING": "old", "A": "1", "B": "two words", "C": "x", "D": "plain"}
    assert "EXISTING" not in added
    path.write_text("not a pair\n")
    with pytest.raises(ConfigError, match=r"\.env:1"):
        load_dotenv(path, {})
    assert load_dotenv(tmp_path / "missing", {}) == {}


def test_environment_name():
    assert environment_name({}) == "development"
    assert environment_name({"NODE_ENV": "production"}) == "production"
    assert environment_name({"MINIKOA_ENV": "test", "NODE_ENV": "production"}) == "test"
