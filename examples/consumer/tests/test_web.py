"""The status page sends the security headers and survives the testkit's hostile-input probe."""

from __future__ import annotations

import asyncio

from sentia_testkit.security import check_cors, check_security_headers, http_client

from acme_plant.web import app


def test_the_status_page_is_safe():
    async def check():
        async with http_client(app, base_url="https://plant.test") as client:
            answer = await client.get("/status")
            headers = await check_security_headers(client, ["/status"])
            cors = await check_cors(client, ["/status"])
        return answer, headers, cors

    answer, headers, cors = asyncio.run(check())
    assert answer.json() == {"skus": 3, "units": 2186}
    headers.raise_for_findings()
    cors.raise_for_findings()
