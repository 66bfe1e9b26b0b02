"""The article controller: Strapi's core actions, one of them extended, and two of our own."""

from minikoa import core_controller


class ArticleController(core_controller("api::article.article")):
    def find(self, ctx):
        # The core action, then a little more: minutes of reading per article.
        result = super().find(ctx)
        for entry in result["data"]:
            if isinstance(entry, dict) and "body" in entry:
                entry["readingTime"] = self.service.reading_time(entry)
        return result

    def sanitize_input(self, data, ctx):
        # Whoever passed the is-authenticated policy is the author.
        data = super().sanitize_input(data, ctx)
        if ctx.method == "POST" and ctx.state.get("user"):
            data["author"] = ctx.state.user["name"]
        return data

    def reading_time(self, ctx):
        article = self.service.find_one(ctx.params["id"])
        if article is None:
            ctx.not_found()
        return {"data": {"documentId": article["documentId"], "minutes": self.service.reading_time(article)}}

    def ping(self, ctx):
        return {"ok": True}


controller = ArticleController
