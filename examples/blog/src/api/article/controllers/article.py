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
        # The logged-in user (the isAuthenticated policy let them in) is the author of what they create,
        # and an article stays its author's: nobody writes `author` themselves.
        data = super().sanitize_input(data, ctx)
        data.pop("author", None)
        if ctx.method == "POST" and ctx.state.user:
            data["author"] = ctx.state.user["username"]
        return data

    def reading_time(self, ctx):
        article = self.service.find_one(ctx.params["id"])
        if article is None:
            ctx.not_found()
        return {"data": {"documentId": article["documentId"], "minutes": self.service.reading_time(article)}}

    def ping(self, ctx):
        return {"ok": True}


controller = ArticleController
