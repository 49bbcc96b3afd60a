"""Locust without gevent's monkey patching: the rest of the suite runs under asyncio and real threads.

Importing locust normally patches the standard library for the whole process; the units here need none of it
(geventhttpclient uses gevent's own sockets), so locust is imported once with the patch switched off.
"""

from __future__ import annotations

import os

_PATCH_SWITCH = "LOCUST_SKIP_MONKEY_PATCH"
_previous = os.environ.get(_PATCH_SWITCH)
os.environ[_PATCH_SWITCH] = "1"
try:
    import locust  # noqa: F401
finally:
    if _previous is None:
        del os.environ[_PATCH_SWITCH]
    else:
        os.environ[_PATCH_SWITCH] = _previous
