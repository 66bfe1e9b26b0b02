"""A custom route beside the core ones (its action, api::article.article.readingTime, is granted like any
other), and a health check outside the /api prefix that needs no one's permission."""

routes = [
    {"method": "GET", "path": "/articles/:id/reading-time", "handler": "article.readingTime"},
    {"method": "GET", "path": "/ping", "handler": "api::article.article.ping", "config": {"prefix": "", "auth": False}},
]
