"""Lifecycle hooks: register before the app is built, bootstrap after, destroy at exit."""

import logging

log = logging.getLogger("blog")

CATEGORIES = ["Python", "Strapi", "SQLite"]
ARTICLES = [
    ("Hello minikoa", "Python", "ada",
     "Strapi's structure in plain Python: routes, policies, middlewares, controllers and services."),
    ("Routes and policies", "Strapi", "ada",
     "A policy says yes or no before the handler runs. A route names its policies in its config."),
    ("Middlewares", "Python", "grace",
     "Code before the yield runs on the way in, and code after it on the way out."),
    ("One file, many workers", "SQLite", "grace",
     "WAL, a busy timeout and BEGIN IMMEDIATE let several gunicorn workers share one SQLite file."),
]


def register(app):
    log.info("registering the blog")


def bootstrap(app):
    # On the very first start, a few categories and articles, so the API shows data at once.
    # The write lock makes this safe when several workers start together.
    with app.db.atomic():
        categories = app.documents("api::category.category")
        if categories.count() > 0:
            return
        ids = {name: categories.create(data={"name": name})["documentId"] for name in CATEGORIES}
        articles = app.service("api::article.article")
        for title, category, author, body in ARTICLES:
            articles.create({"data": {"title": title, "body": body, "author": author, "category": ids[category]}})
    log.info("seeded the blog with %d articles", len(ARTICLES))


def destroy(app):
    log.info("blog stopping")
