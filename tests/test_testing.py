"""The pytest plugin (minikoa.testing), run as a user runs it: a pytest in a subprocess, on the blog and
on an app built in a conftest, with its fixtures and its option."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import ROOT

pytest_plugins = ["pytester"]

PROJECT_TESTS = '''
import requests


def test_client_reads_the_seeded_blog(client):
    assert len(client.get("/api/articles").get_json()["data"]) == 4


def test_each_test_has_a_fresh_database(client):
    headers = {"Content-Type": "application/json"}
    answer = client.post("/api/auth/local/register", json={"username": "tester", "email": "t@example.test",
                                                           "password": "Blog-pass-1"})
    assert answer.status_code == 200  # would be 400 (taken) if the database were shared


def test_again_a_fresh_database(client):
    answer = client.post("/api/auth/local/register", json={"username": "tester", "email": "t@example.test",
                                                           "password": "Blog-pass-1"})
    assert answer.status_code == 200


def test_live_server_is_gunicorn_on_loopback(live_server):
    assert live_server.url.startswith("http://127.0.0.1:")
    assert requests.get(live_server.url + "/api/categories", timeout=30).status_code == 200
'''

APP_CONFTEST = '''
import pytest
from minikoa import App


@pytest.fixture
def minikoa_app():
    app = App()

    @app.get("/hello/:name")
    def hello(ctx):
        return {"hello": ctx.params["name"]}

    yield app
    app.destroy()
'''

APP_TESTS = '''
import requests


def test_client(client):
    assert client.get("/hello/ada").get_json() == {"hello": "ada"}


def test_live_server(live_server):
    assert requests.get(live_server.url + "/hello/bob", timeout=30).json() == {"hello": "bob"}
'''


@pytest.fixture
def blog_copy(tmp_path):
    folder = tmp_path / "blog"
    shutil.copytree(ROOT / "examples" / "blog", folder, ignore=shutil.ignore_patterns(".tmp", "uploads"))
    return folder


def test_a_project_is_tested_with_the_plugins_fixtures(pytester, blog_copy):
    pytester.makepyfile(test_blog=PROJECT_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--minikoa-project={blog_copy}")
    result.assert_outcomes(passed=4)
    assert not (blog_copy / ".tmp").exists()  # no database or secret written into the project


def test_an_app_from_the_conftest_is_used_by_client_and_live_server(pytester):
    pytester.makeconftest(APP_CONFTEST)
    pytester.makepyfile(test_app=APP_TESTS)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_without_a_project_the_fixture_says_what_it_needs(pytester):
    pytester.makepyfile(test_x="def test_x(client):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*minikoa_app needs --minikoa-project PATH*"])
