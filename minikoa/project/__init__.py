"""A project in Strapi's layout: configuration, loading, registries, policies, names.

``config`` reads ``config/*.py``; ``loader`` reads ``src/`` into an app;
``registry`` keeps controllers, services, policies and middlewares by UID;
``policies`` prepares and runs route policies; ``resolve`` turns the names
routes and config files use into the things they name, at start-up.
"""

from .config import Config, ConfigError, Env, load_dotenv
from .loader import LoadError, load_module, load_project
from .registry import ClassRegistry, Controller, Registry, RegistryError, Service

__all__ = [
    "Config", "ConfigError", "Env", "load_dotenv", "LoadError", "load_module", "load_project",
    "Controller", "Service", "Registry", "ClassRegistry", "RegistryError",
]
