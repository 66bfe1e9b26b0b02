from minikoa import core_router

routes = core_router("api::category.category")
