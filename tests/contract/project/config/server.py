def config(env):
    return {
        "host": env("HOST", "127.0.0.1"),
        "port": env.int("PORT", 1337),
        "app": {"keys": env.array("APP_KEYS", ["contract-key-1", "contract-key-2"])},
    }
