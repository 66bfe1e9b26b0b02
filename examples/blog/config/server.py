def config(env):
    return {
        "host": env("HOST", "127.0.0.1"),
        "port": env.int("PORT", 1337),
        "app": {"keys": env.array("APP_KEYS", ["blog-dev-key-1", "blog-dev-key-2"])},
        "webhooks": {
            "populateRelations": env.bool("WEBHOOKS_POPULATE_RELATIONS", False),
            "defaultHeaders": {"X-Sent-By": "minikoa-blog"},
            # Receivers on this machine or a private network need this (tests set it).
            "allowPrivate": env.bool("WEBHOOKS_ALLOW_PRIVATE", False),
        },
    }
