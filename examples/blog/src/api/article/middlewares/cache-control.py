"""api::article.cache-control: a route middleware letting clients cache reads."""


def middleware(config, app):
    value = f"public, max-age={int(config.get('maxAge', 60))}"

    def cache_control(ctx):
        yield
        if ctx.status == 200:
            ctx.set("Cache-Control", value)

    return cache_control
