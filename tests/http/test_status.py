"""Status phrases and http-errors names."""

from minikoa.errors import error_name, phrase
from minikoa.http.status import STATUS_LINES


def test_node_phrases_and_lines():
    assert phrase(413) == "Payload Too Large"
    assert STATUS_LINES[404] == "404 Not Found"
    assert STATUS_LINES[299] == "299 Unknown"


def test_error_names_follow_http_errors():
    assert error_name(404) == "NotFoundError"
    assert error_name(413) == "PayloadTooLargeError"
    assert error_name(500) == "InternalServerError"
    assert error_name(418) == "ImATeapotError"
    assert error_name(203) == "NonAuthoritativeInformationError"
    assert error_name(599) == "InternalServerError"
