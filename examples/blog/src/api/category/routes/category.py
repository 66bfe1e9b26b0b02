"""Categories: read by anyone, created with the API token."""

from minikoa import core_router

routes = core_router("api::category.category", only=["find", "findOne", "create"], config={
    "create": {"policies": ["global::is-authenticated"]},
})
