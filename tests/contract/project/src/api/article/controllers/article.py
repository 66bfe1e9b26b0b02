from minikoa import core_controller


class ArticleController(core_controller("api::article.article")):
    def ping(self, ctx):
        # Goes through the whole middleware stack and the router, touches no database.
        return {"ok": True}


controller = ArticleController
