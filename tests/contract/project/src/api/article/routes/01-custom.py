routes = [
    {"method": "GET", "path": "/ping", "handler": "api::article.article.ping", "config": {"auth": False}},
]
