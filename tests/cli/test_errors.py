"""``minikoa.cli.errors.locate``: the line of the name at fault, added to a message that names only its file."""

from __future__ import annotations

from minikoa.cli.errors import locate


def test_the_line_of_the_first_quoted_name_found_in_the_file(tmp_path):
    routes = tmp_path / "routes.py"
    routes.write_text("routes = [\n    {'handler': 'a.find'},\n    {'policies': [\"is-ownr\"]},\n]\n")
    assert locate(f"{routes}: unknown policy 'is-ownr'; did you mean 'is-owner'?") == \
        f"{routes}:3: unknown policy 'is-ownr'; did you mean 'is-owner'?"
    assert locate(f"route GET /a (a.find) in {routes}: unknown policy 'is-ownr'") == \
        f"route GET /a (a.find) in {routes}:3: unknown policy 'is-ownr'"


def test_a_message_left_as_it_is(tmp_path):
    routes = tmp_path / "routes.py"
    routes.write_text("routes = []\n")
    for message in (f"{routes}:7: syntax error: invalid syntax",  # it has its line
                    f"{routes}: unknown policy 'elsewhere'",       # the name is not in the file
                    f"{tmp_path / 'gone.py'}: unknown policy 'x'",  # no such file
                    "no file named here: 'x'"):
        assert locate(message) == message
