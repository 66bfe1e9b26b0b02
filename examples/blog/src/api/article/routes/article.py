"""The core REST routes of articles. Who may call each is the roles' business (src/index.py grants reads
to everyone, writes to logged-in users); the policies add what a role cannot say: a writer is a user,
and only an article's author changes it."""

from minikoa import core_router

routes = core_router("api::article.article", config={
    "find": {"middlewares": [{"name": "cache-control", "config": {"maxAge": 30}}]},
    "create": {"policies": ["plugin::users-permissions.isAuthenticated"]},
    "update": {"policies": ["plugin::users-permissions.isAuthenticated", "is-owner"]},
    "delete": {"policies": ["plugin::users-permissions.isAuthenticated", "is-owner"]},
})
