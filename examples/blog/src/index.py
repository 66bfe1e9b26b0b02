"""Lifecycle hooks: register before the app is built, bootstrap after, destroy at exit."""

import logging
import secrets

log = logging.getLogger("blog")

USERS = "plugin::users-permissions.user"
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
#: Everyone may read; a logged-in user keeps that (Strapi gives a user their role's actions, not the
#: public's) and may write. Which articles a user may change is the is-owner policy's business.
READ = ["api::article.article.find", "api::article.article.findOne", "api::article.article.readingTime",
        "api::category.category.find", "api::category.category.findOne"]
WRITE = ["api::article.article.create", "api::article.article.update", "api::article.article.delete",
         "api::category.category.create"]


def register(app):
    log.info("registering the blog")


def bootstrap(app):
    app.permissions.grant("public", READ)
    app.permissions.grant("authenticated", READ + WRITE)
    # On the very first start, a few categories and articles, so the API shows data at once, and their
    # authors as users (with passwords nobody knows) so that nobody else can register their names.
    # The write lock makes this safe when several workers start together.
    with app.db.atomic():
        categories = app.documents("api::category.category")
        if categories.count() > 0:
            return
        users = app.service(USERS)
        for author in sorted({author for _, _, author, _ in ARTICLES}):
            users.add({"username": author, "email": f"{author}@blog.example", "provider": "local",
                       "password": secrets.token_urlsafe(24), "confirmed": True})
        ids = {name: categories.create(data={"name": name})["documentId"] for name in CATEGORIES}
        articles = app.service("api::article.article")
        for title, category, author, body in ARTICLES:
            articles.create({"data": {"title": title, "body": body, "author": author, "category": ids[category]}})
    log.info("seeded the blog with %d articles", len(ARTICLES))


def destroy(app):
    log.info("blog stopping")
