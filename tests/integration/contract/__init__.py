"""The Strapi 5 REST contract: recorded exchanges replayed against minikoa over gunicorn."""

import pytest

# The comparisons live in recording.py: let pytest explain their failures.
pytest.register_assert_rewrite("tests.contract.recording")
