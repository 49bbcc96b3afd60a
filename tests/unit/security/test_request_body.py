"""Buffering a request body in middleware and replaying it unchanged, chunked or cut short."""

from __future__ import annotations

import pytest

from sentia_server.security.body import has_json_body, read_body

pytestmark = pytest.mark.anyio


def feeder(*messages: dict):
    queue = list(messages)

    async def receive() -> dict:
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    return receive


async def test_a_chunked_body_is_joined_and_replayed_as_one_message():
    receive = feeder(
        {"type": "http.request", "body": b'{"a":', "more_body": True},
        {"type": "http.request", "body": b"1}", "more_body": False},
    )
    body, replay = await read_body(receive)
    assert body == b'{"a":1}'
    assert await replay() == {"type": "http.request", "body": b'{"a":1}', "more_body": False}
    assert await replay() == {"type": "http.disconnect"}  # later messages come from the server


async def test_a_disconnect_before_the_end_is_kept_for_the_application():
    receive = feeder({"type": "http.request", "body": b"[1", "more_body": True}, {"type": "http.disconnect"})
    body, replay = await read_body(receive)
    assert body == b"[1"
    assert (await replay())["type"] == "http.request"
    assert (await replay())["type"] == "http.disconnect"


def scope(method: str = "POST", content_type: str = "application/json", kind: str = "http") -> dict:
    return {"type": kind, "method": method, "headers": [(b"content-type", content_type.encode())]}


@pytest.mark.parametrize(
    ("request_scope", "expected"),
    [
        (scope(), True),
        (scope(content_type="application/json; charset=utf-8"), True),
        (scope(content_type="application/vnd.api+json"), True),
        (scope(method="PATCH"), True),
        (scope(method="GET"), False),
        (scope(content_type="text/plain"), False),
        (scope(content_type="text/x+json"), False),
        (scope(kind="websocket"), False),
    ],
)
def test_json_bodies_are_recognised_by_method_and_media_type(request_scope: dict, expected: bool):
    assert has_json_body(request_scope) is expected
