# Users and permissions (on by default; shown here with Strapi's keys). The JWTs are signed with
# JWT_SECRET; without it, development makes one in .tmp/jwt-secret (production refuses to start).
def config(env):
    return {
        "users-permissions": {
            "config": {
                "jwt": {"expiresIn": 7 * 24 * 3600},  # a week, in seconds
                "ratelimit": {"interval": {"min": 1}, "max": 10},  # Strapi's default on /api/auth/*
                # Where a reset link leads; without an email provider the message goes to the log.
                "resetPassword": {"url": env("RESET_PASSWORD_URL", "http://127.0.0.1:3000/reset-password")},
            },
        },
    }
