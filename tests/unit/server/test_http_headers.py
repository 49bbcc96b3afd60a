"""Header lookups from the ASGI scope answer as Starlette's `Headers` does: the first value, any case of the name."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import Headers, MutableHeaders

from sentia_server.http_headers import request_header, request_header_text, set_response_header

NAMES = st.sampled_from([b"host", b"origin", b"authorization", b"x-api-key", b"content-type", b"x-request-id"])
VALUES = st.binary(max_size=20)


def test_a_header_is_found_whatever_its_case():
    scope = {"type": "http", "headers": [(b"Accept-Encoding", b"gzip, br"), (b"origin", b"https://a")]}
    assert request_header(scope, b"accept-encoding") == b"gzip, br"
    assert request_header(scope, b"x-missing") is None


def test_the_first_of_repeated_headers_counts_and_text_is_latin_1():
    scope = {"headers": [(b"x-request-id", b"caf\xe9"), (b"x-request-id", b"second")]}
    assert request_header(scope, b"x-request-id") == b"caf\xe9"
    assert request_header_text(scope, b"x-request-id") == "café"
    assert request_header_text(scope, b"origin") is None


@given(st.lists(st.tuples(NAMES, VALUES), max_size=8), NAMES)
def test_the_same_answer_as_starlettes_headers(pairs: list[tuple[bytes, bytes]], name: bytes):
    scope = {"headers": pairs}
    assert request_header_text(scope, name) == Headers(raw=list(pairs)).get(name.decode())


@given(st.lists(st.tuples(NAMES, VALUES), max_size=8), NAMES, VALUES)
def test_a_response_header_is_set_as_starlette_sets_it(pairs: list[tuple[bytes, bytes]], name: bytes, value: bytes):
    ours: dict[str, object] = {"type": "http.response.start", "headers": list(pairs)}
    theirs: dict[str, object] = {"type": "http.response.start", "headers": list(pairs)}
    set_response_header(ours, name, value)
    MutableHeaders(scope=theirs)[name.decode()] = value.decode("latin-1")
    assert ours["headers"] == theirs["headers"]
