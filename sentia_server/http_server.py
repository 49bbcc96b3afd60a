"""The HTTP server process: uvicorn's server, with the objects startup built kept out of the cyclic GC's scans.

Imports, the app, its tool models and the runtime leave some 400 000 objects that live as long as the process. Each
full collection walked them all again: 200 to 300 ms with the event loop stopped, every request in flight waiting
(measured under the head-to-head load on a 2-vCPU machine). `gc.freeze()` once startup is done moves them to a
permanent generation, so collections see only what requests create. Only the serving process does this; an app
built in tests is collected as usual.
"""

from __future__ import annotations

import gc
import socket

import uvicorn


class FrozenStartupServer(uvicorn.Server):
    """`uvicorn.Server` that freezes what startup (imports, app, lifespan) built before it takes requests."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        gc.freeze()
