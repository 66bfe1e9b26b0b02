# Strapi's default stack, plus the project's own timer (src/middlewares/timer.py).
config = [
    "minikoa::errors",
    "minikoa::security",
    "minikoa::cors",
    "minikoa::powered-by",
    "minikoa::logger",
    "minikoa::query",
    "minikoa::body",
    "minikoa::session",
    "minikoa::favicon",
    "minikoa::public",
    {"name": "global::timer", "config": {"header": "X-Response-Time"}},
]
