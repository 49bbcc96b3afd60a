"""The local-binary source for real: a throwaway PostgreSQL (as the `postgres` user when root) and redis-server."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import asyncpg
import pytest
import redis

from sentia_testkit.services import containers, postgres
from sentia_testkit.services import redis as redis_service

pytest_plugins = ["pytester"]


def _port_is_closed(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) != 0


async def _whoami(url: str) -> tuple[str, str]:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval("SELECT current_user"), await connection.fetchval("SHOW data_directory")
    finally:
        await connection.close()


def test_local_postgres_starts_serves_and_stops_cleanly() -> None:
    plan = postgres.local_plan()
    if isinstance(plan, str):
        pytest.skip(f"local PostgreSQL binaries are not usable here: {plan}")

    handle = postgres.start_local(plan)
    try:
        port = int(handle.url.rsplit(":", 1)[1].split("/")[0])
        user, data_directory = asyncio.run(_whoami(handle.url))
        assert user == "postgres"
        if plan.user is not None:
            import pwd

            assert Path(data_directory).stat().st_uid == pwd.getpwnam(plan.user).pw_uid
        with postgres.temporary_database(handle.url) as url:
            assert asyncio.run(_whoami(url))[0] == "postgres"
    finally:
        handle.stop()

    assert _port_is_closed(port)
    assert not Path(data_directory).parent.exists(), "the temporary directory was left behind"


def test_local_redis_starts_serves_and_stops_cleanly() -> None:
    binary = redis_service.find_redis_server()
    if binary is None:
        pytest.skip("redis-server is not on PATH")

    handle = redis_service.start_local(binary)
    try:
        port = int(handle.url.rsplit(":", 1)[1].split("/")[0])
        client = redis.Redis.from_url(handle.url, decode_responses=True)
        try:
            assert client.ping()
            assert client.config_get("save") == {"save": ""}
            assert client.config_get("appendonly") == {"appendonly": "no"}
            directory = client.config_get("dir")["dir"]
        finally:
            client.close()
    finally:
        handle.stop()

    assert _port_is_closed(port)
    assert not Path(directory).exists(), "the temporary directory was left behind"


def test_fixtures_fall_back_to_local_binaries_and_stop_them_at_session_end(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    if isinstance(postgres.local_plan(), str) or redis_service.find_redis_server() is None:
        pytest.skip("local PostgreSQL or Redis binaries are not usable here")
    for name in (postgres.ENV, redis_service.ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(containers, "unreachable_reason", lambda timeout=1.0: "disabled for this test")
    pytester.makepyfile(
        """
        import asyncio

        import asyncpg
        import redis

        async def data_directory(url):
            connection = await asyncpg.connect(url)
            try:
                return await connection.fetchval("SHOW data_directory")
            finally:
                await connection.close()

        def test_both(sentia_postgres_server, sentia_redis_server, postgres_url, redis_key_prefix):
            assert sentia_postgres_server.source == "local binaries"
            assert sentia_redis_server.source == "local binaries"
            client = redis.Redis.from_url(sentia_redis_server.url, decode_responses=True)
            try:
                redis_dir = client.config_get("dir")["dir"]
            finally:
                client.close()
            lines = [
                sentia_postgres_server.url,
                sentia_redis_server.url,
                asyncio.run(data_directory(postgres_url)),
                redis_dir,
            ]
            with open("servers.txt", "w") as out:  # pytester runs in its own directory
                out.write("\\n".join(lines))
        """
    )

    pytester.runpytest().assert_outcomes(passed=1)

    postgres_url, redis_url, data_directory, redis_dir = (pytester.path / "servers.txt").read_text().split("\n")
    for url in (postgres_url, redis_url):
        assert _port_is_closed(int(url.rsplit(":", 1)[1].split("/")[0])), f"{url} outlived the session"
    assert not Path(data_directory).parent.exists(), "the PostgreSQL directory was left behind"
    assert not Path(redis_dir).exists(), "the Redis directory was left behind"
