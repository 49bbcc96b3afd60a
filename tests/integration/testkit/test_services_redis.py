"""redis_key_prefix against a real server: keys under the prefix go at teardown, every other key stays."""

from __future__ import annotations

import re
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from sentia_testkit.services import ServiceHandle
from sentia_testkit.services import redis as redis_service
from sentia_testkit.services._core import free_port

pytest_plugins = ["pytester"]


def _count(url: str, pattern: str) -> int:
    client = redis.Redis.from_url(url)
    try:
        return sum(1 for _ in client.scan_iter(match=pattern, count=1000))
    finally:
        client.close()


def test_redis_key_prefix_is_unique_to_the_test(redis_key_prefix: str) -> None:
    assert re.fullmatch(r"sentia-test:[0-9a-f]{12}:", redis_key_prefix)


def test_keys_under_the_prefix_are_deleted_and_others_are_untouched(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, sentia_redis_server: ServiceHandle
) -> None:
    url = sentia_redis_server.url
    monkeypatch.setenv(redis_service.ENV, url)
    # Neighbours: a key of another application and one under another test's prefix.
    outside = [f"sentia-outside:{secrets.token_hex(6)}", f"{redis_service.new_key_prefix()}neighbour"]
    pytester.makepyfile(
        """
        import redis

        def test_fill(redis_url, redis_key_prefix):
            client = redis.Redis.from_url(redis_url)
            try:
                with client.pipeline(transaction=False) as pipe:
                    for i in range(1200):  # more than one SCAN/UNLINK batch
                        pipe.set(f"{redis_key_prefix}item:{i}", i)
                    pipe.hset(f"{redis_key_prefix}hash", "field", "value")
                    pipe.set(f"{redis_key_prefix}glob[*]?", 1)
                    pipe.execute()
            finally:
                client.close()
            with open("prefix.txt", "w") as out:  # pytester runs in its own directory
                out.write(redis_key_prefix)
        """
    )
    client = redis.Redis.from_url(url)
    try:
        for key in outside:
            client.set(key, "keep")

        pytester.runpytest().assert_outcomes(passed=1)

        prefix = (pytester.path / "prefix.txt").read_text()
        assert _count(url, f"{redis_service._escape_glob(prefix)}*") == 0
        assert [client.get(key) for key in outside] == [b"keep", b"keep"]
    finally:
        client.delete(*outside)
        client.close()


def test_glob_characters_in_the_prefix_match_literally(sentia_redis_server: ServiceHandle) -> None:
    url = sentia_redis_server.url
    base = redis_service.new_key_prefix()
    client = redis.Redis.from_url(url)
    try:
        client.set(f"{base}a*b", 1)
        client.set(f"{base}a-other", 1)

        deleted = redis_service.delete_keys(url, f"{base}a*")

        assert deleted == 1
        assert client.exists(f"{base}a*b") == 0
        assert client.exists(f"{base}a-other") == 1
    finally:
        redis_service.delete_keys(url, base)
        client.close()


@pytest.fixture
def redis_binary() -> str:
    binary = redis_service.find_redis_server()
    if binary is None:
        pytest.skip("redis-server is not on PATH")
    return binary


@pytest.fixture
def redis_without_unlink(redis_binary: str, tmp_path: Path) -> Iterator[str]:
    """A throwaway redis-server without the UNLINK command, like Redis before 4.0; yields its URL."""
    port = free_port()
    argv = [redis_binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    argv += ["--dir", str(tmp_path), "--rename-command", "UNLINK", ""]
    with subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT) as process:
        try:
            url = f"redis://127.0.0.1:{port}/0"
            redis_service.wait_ready(url, what="redis-server without UNLINK", timeout=10)
            yield url
        finally:
            redis_service._stop_process(process)


def test_keys_are_deleted_with_del_where_unlink_is_unknown(redis_without_unlink: str) -> None:
    url, prefix = redis_without_unlink, redis_service.new_key_prefix()
    client = redis.Redis.from_url(url)
    try:
        with pytest.raises(redis.ResponseError, match="unknown command"):
            client.unlink("anything")
        client.mset({f"{prefix}{n}": n for n in range(5)} | {"sentia-outside": "keep"})

        deleted = redis_service.delete_keys(url, prefix, batch=2)

        assert deleted == 5
        assert client.keys("*") == [b"sentia-outside"]
    finally:
        client.close()


def test_other_errors_of_unlink_are_not_hidden(redis_binary: str) -> None:
    server = redis_service.start_local(redis_binary)
    admin = redis.Redis.from_url(server.url)
    try:
        admin.acl_setuser("limited", enabled=True, passwords=["+pw"], keys=["*"], commands=["+@all", "-unlink"])
        admin.set("sentia-test:limited:key", 1)
        limited_url = server.url.replace("redis://", "redis://limited:pw@")

        with pytest.raises(redis.exceptions.NoPermissionError, match="unlink"):
            redis_service.delete_keys(limited_url, "sentia-test:limited:")

        assert admin.exists("sentia-test:limited:key") == 1
    finally:
        admin.close()
        server.stop()
