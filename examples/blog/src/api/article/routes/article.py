"""The core REST routes of articles: reads are public, writes need the API token."""

from minikoa import core_router

routes = core_router("api::article.article", config={
    "find": {"middlewares": [{"name": "cache-control", "config": {"maxAge": 30}}]},
    "create": {"policies": ["global::is-authenticated"]},
    "update": {"policies": ["global::is-authenticated", "is-owner"]},
    "delete": {"policies": ["global::is-authenticated", "is-owner"]},
})
