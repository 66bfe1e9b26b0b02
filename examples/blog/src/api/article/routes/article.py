"""The article routes, in Strapi's format (prefixed with /api)."""

routes = [
    {
        "method": "GET",
        "path": "/articles",
        "handler": "article.find",
        "config": {"middlewares": [{"name": "cache-control", "config": {"maxAge": 30}}]},
    },
    {"method": "GET", "path": "/articles/:id", "handler": "article.findOne"},
    {
        "method": "POST",
        "path": "/articles",
        "handler": "article.create",
        "config": {"policies": ["global::is-authenticated"]},
    },
    {
        "method": "PUT",
        "path": "/articles/:id",
        "handler": "article.update",
        "config": {"policies": ["global::is-authenticated", "is-owner"]},
    },
]
