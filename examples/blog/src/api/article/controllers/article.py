"""api::article.article: the article actions, answering in Strapi's envelope."""

from minikoa import Controller, ValidationError

WRITABLE = ("title", "body")


class ArticleController(Controller):
    @property
    def articles(self):
        return self.app.service("api::article.article")

    def find(self, ctx):
        rows = self.articles.find(sort=ctx.query.get("sort") or "id")
        return {"data": rows, "meta": {"total": len(rows)}}

    def find_one(self, ctx):
        article = self.articles.find_one(ctx.params["id"])
        if article is None:
            ctx.not_found()
        return {"data": article, "meta": {}}

    def create(self, ctx):
        data = self._data(ctx, partial=False)
        ctx.status = 201
        return {"data": self.articles.create({**data, "author": ctx.state.user["name"]}), "meta": {}}

    def update(self, ctx):
        data = self._data(ctx, partial=True)
        return {"data": self.articles.update(ctx.params["id"], data), "meta": {}}

    def reading_time(self, ctx):
        article = self.articles.find_one(ctx.params["id"])
        if article is None:
            ctx.not_found()
        return {"data": {"id": article["id"], "minutes": self.articles.reading_time(article)}}

    def ping(self, ctx):
        return {"ok": True}

    def _data(self, ctx, partial):
        body = ctx.request_body
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            raise ValidationError('Missing "data" payload in the request body')
        data = body["data"]
        errors = [{"path": [key], "message": f"Invalid key {key}", "name": "ValidationError"}
                  for key in data if key not in WRITABLE]
        if not partial and not isinstance(data.get("title"), str):
            errors.append({"path": ["title"], "message": "title must be defined.", "name": "ValidationError"})
        if isinstance(data.get("title"), str) and not 0 < len(data["title"]) <= 80:
            errors.append({"path": ["title"], "message": "title must be at most 80 characters",
                           "name": "ValidationError"})
        if errors:
            message = errors[0]["message"] if len(errors) == 1 else f"{len(errors)} errors occurred"
            raise ValidationError(message, {"errors": errors})
        return data


controller = ArticleController
