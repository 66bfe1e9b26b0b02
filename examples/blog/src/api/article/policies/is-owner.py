"""api::article.is-owner: only an article's author may change it."""


def policy(ctx, config, app):
    article = app.service("api::article.article").find_one(ctx.params["id"])
    if article is None:
        ctx.not_found("Article not found")
    return article["author"] == ctx.state.user["name"]
