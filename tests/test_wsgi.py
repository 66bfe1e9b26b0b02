"""minikoa.wsgi: the gunicorn entry point for a project folder."""

from minikoa.wsgi import create_app
from tests.conftest import ROOT


def test_create_app_from_argument_or_environment(project, monkeypatch):
    route = "routes = [{'method': 'GET', 'path': '/a', 'handler': lambda ctx: {'a': 1}}]\n"
    root = project({"src/api/a/routes/a.py": route})
    assert create_app(str(root)).test_client().get("/api/a").json == {"a": 1}
    monkeypatch.setenv("MINIKOA_PROJECT", str(root))
    assert create_app().root == root.resolve()


def test_blog_entry_point_used_by_make_run(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_FILENAME", str(tmp_path / "b.db"))
    monkeypatch.setenv("JWT_SECRET", "a-test-secret-long-enough-for-hs256")  # none written into examples/blog
    app = create_app(str(ROOT / "examples" / "blog"))
    assert app.test_client().get("/ping").json == {"ok": True}
    app.destroy()
