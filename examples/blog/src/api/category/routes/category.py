"""Categories: read by anyone, created by logged-in users (src/index.py grants it); the articles a new
category takes in must be the caller's (``owns-articles``), as an article's own routes require."""

from minikoa import core_router

routes = core_router("api::category.category", only=["find", "findOne", "create"], config={
    "create": {"policies": ["plugin::users-permissions.isAuthenticated", "owns-articles"]},
})
