"""global::is-authenticated: a bearer token from config/server.py, and who is calling."""

from minikoa import PolicyError


def policy(ctx, config, app):
    header = ctx.get("Authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or token != app.config.get("server.apiToken"):
        raise PolicyError("Send `Authorization: Bearer <token>`", {"policy": "is-authenticated"})
    # The author's name travels in a header: enough for an example.
    ctx.state.user = {"name": ctx.get("X-User") or "anonymous"}
    return True
