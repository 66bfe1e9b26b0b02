"""Lifecycle hooks: register before the app is built, bootstrap after, destroy at exit."""

import logging

log = logging.getLogger("blog")


def register(app):
    log.info("registering the blog")


def bootstrap(app):
    # First start: a few articles, so the API shows data straight away.
    app.service("api::article.article").seed()


def destroy(app):
    app.service("api::article.article").close()
