def config(env):
    # The admin API (/admin/webhooks) answers only to `Authorization: Bearer <ADMIN_TOKEN>`.
    return {"token": env("ADMIN_TOKEN")}
