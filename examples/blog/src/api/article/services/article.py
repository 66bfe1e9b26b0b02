"""The article service: Strapi's core service, with create extended."""

from minikoa import core_service


class ArticleService(core_service("api::article.article")):
    def create(self, params):
        # An article without an excerpt gets the start of its body.
        data = dict(params["data"])
        if not data.get("excerpt") and data.get("body"):
            body = " ".join(str(data["body"]).split())
            data["excerpt"] = body if len(body) <= 140 else body[:139].rsplit(" ", 1)[0] + "…"
        return super().create({**params, "data": data})

    def reading_time(self, article):
        """Minutes to read, at 200 words a minute (at least one)."""
        return max(1, round(len((article.get("body") or "").split()) / 200))


service = ArticleService
