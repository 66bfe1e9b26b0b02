"""Policy specs are resolved once and run in order."""

from __future__ import annotations

import pytest

from minikoa import PolicyError
from minikoa.project.policies import PolicySpecError, resolve, run


def test_resolve_forms():
    def p(ctx, config, app):
        return True

    prepared = resolve([p, {"name": "named", "config": {"a": 1}}, {"handler": p}],
                       {"named": p}.get, "route X")
    assert [(fn, cfg) for fn, cfg, _ in prepared] == [(p, {}), (p, {"a": 1}), (p, {})]
    assert prepared[1][2] == "named"


@pytest.mark.parametrize("spec, message", [
    ("missing", "unknown policy 'missing'"),
    ({"config": {}}, "has no 'name'"),
    (42, "neither a name nor a callable"),
])
def test_resolve_errors_name_the_route(spec, message):
    with pytest.raises(PolicySpecError, match="route X") as err:
        resolve([spec], {}.get, "route X")
    assert message in str(err.value)


def test_run_stops_at_first_refusal():
    seen = []

    def ok(ctx, config, app):
        seen.append("ok")
        return True

    def no(ctx, config, app):
        seen.append("no")
        return None

    def never(ctx, config, app):
        seen.append("never")
        return True

    with pytest.raises(PolicyError) as err:
        run(None, resolve([ok, no, never], {}.get, "r"), app=None)
    assert seen == ["ok", "no"]
    assert err.value.message == "Policy Failed"
