"""The serving process freezes what startup built, and only once startup (the app's lifespan included) is done."""

from __future__ import annotations

import gc

import anyio
import pytest
import uvicorn

from sentia_server.http_server import FrozenStartupServer

pytestmark = pytest.mark.anyio


class LifespanApp:
    """An ASGI app that notes how many objects were frozen when its lifespan startup ran."""

    def __init__(self) -> None:
        self.frozen_during_startup: int | None = None

    async def __call__(self, scope, receive, send) -> None:
        assert scope["type"] == "lifespan"
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.frozen_during_startup = gc.get_freeze_count()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


async def test_objects_built_at_startup_are_frozen_once_the_lifespan_has_started():
    gc.unfreeze()
    app = LifespanApp()
    server = FrozenStartupServer(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="on", log_level="warning"))
    try:
        async with anyio.create_task_group() as serving:
            serving.start_soon(server.serve)
            with anyio.fail_after(10):
                while not server.started:  # noqa: ASYNC110  # uvicorn offers a flag, not an event
                    await anyio.sleep(0.01)
            assert app.frozen_during_startup == 0
            assert gc.get_freeze_count() > 0
            server.should_exit = True
    finally:
        gc.unfreeze()  # the rest of the test run is collected as usual
