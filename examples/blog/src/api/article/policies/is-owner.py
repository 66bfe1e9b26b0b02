"""api::article.is-owner: only an article's author (the username of who wrote it) may change it."""


def policy(ctx, config, app):
    article = app.documents("api::article.article").find_one(ctx.params["id"], fields=["author"])
    if article is None:
        ctx.not_found()
    user = ctx.state.user
    return user is not None and article["author"] == user["username"]
