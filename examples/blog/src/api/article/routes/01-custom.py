"""A custom route beside the core ones, and one outside the /api prefix."""

routes = [
    {"method": "GET", "path": "/articles/:id/reading-time", "handler": "article.readingTime"},
    {"method": "GET", "path": "/ping", "handler": "api::article.article.ping", "config": {"prefix": ""}},
]
