"""api::category.owns-articles: a category write may only move articles its caller wrote.

Putting an article in a category changes the article, so the article's
rule (``api::article.is-owner``: only its author may change it) must hold
from this side of the relation too: every article the body names in
``articles`` (a list, or ``connect``/``set``/``disconnect``) must be the
caller's.
"""

from minikoa import PolicyError

ARTICLE = "api::article.article"


def _refs(value):
    """The documentIds and ids a relation value names, whatever its form."""
    if isinstance(value, dict) and value.keys() & {"connect", "disconnect", "set"}:
        items = [item for key in ("connect", "disconnect", "set") for item in _as_list(value.get(key))]
    else:
        items = _as_list(value)
    for item in items:
        if isinstance(item, dict):
            item = item.get("documentId", item.get("id"))
        if item is not None:
            yield item


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def policy(ctx, config, app):
    body = ctx.request_body
    data = body.get("data") if isinstance(body, dict) else None
    refs = list(_refs(data.get("articles"))) if isinstance(data, dict) else []
    if not refs:
        return True
    documents = [ref for ref in refs if isinstance(ref, str)]
    ids = [ref for ref in refs if isinstance(ref, int) and not isinstance(ref, bool)]
    found = app.documents(ARTICLE).find_many(
        filters={"$or": [{"documentId": {"$in": documents}}, {"id": {"$in": ids}}]},
        fields=["author"])
    user = ctx.state.user["username"] if ctx.state.user else None
    others = sorted(article["documentId"] for article in found if article["author"] != user)
    if others:
        raise PolicyError("Only an article's author may move it to a category", {"articles": others})
    return True
