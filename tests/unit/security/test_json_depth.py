"""Counting JSON nesting without parsing, brackets inside strings ignored, malformed input left to the parser."""

from __future__ import annotations

import json

import pytest

from sentia_server.security.json_limits import json_depth_exceeds


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(("depth", "exceeds"), [(0, False), (1, False), (32, False), (33, True), (10_000, True)])
def test_depth_limit(depth: int, exceeds: bool):
    assert json_depth_exceeds(nested(depth), 32) is exceeds


def test_objects_and_arrays_both_count():
    document = json.dumps({"a": [{"b": [{"c": 1}]}]}).encode()
    assert json_depth_exceeds(document, 5) is False
    assert json_depth_exceeds(document, 4) is True


def test_brackets_in_strings_do_not_count():
    document = json.dumps({"note": '[[[[[[[[[[{{{{{{{{ \\" ]]]]'}).encode()
    assert json_depth_exceeds(document, 2) is False


def test_malformed_json_is_left_to_the_parser():
    assert json_depth_exceeds(b'{"a": ]', 32) is False
    assert json_depth_exceeds(b"}" + nested(3), 2) is True


def test_a_wide_document_is_fast():
    import time

    started = time.perf_counter()
    assert json_depth_exceeds(b"[" + b"[]," * 1_000_000 + b"[]]", 32) is False
    assert time.perf_counter() - started < 2.0
