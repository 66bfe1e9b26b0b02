"""api::article.is-owner: only an article's author may change it."""


def policy(ctx, config, app):
    article = app.documents("api::article.article").find_one(ctx.params["id"], fields=["author"])
    if article is None:
        ctx.not_found()
    return article["author"] == ctx.state.user["name"]
