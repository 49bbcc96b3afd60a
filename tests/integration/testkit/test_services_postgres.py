"""postgres_url against a real server: one fresh, empty database per test, gone after teardown."""

from __future__ import annotations

import asyncio
import re
import secrets
import types
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from asyncpg.types import ServerVersion

from sentia_testkit.services import ServiceHandle, postgres

pytest_plugins = ["pytester"]

DATABASE_NAME = re.compile(r"sentia_test_[0-9a-f]{12}")


async def _database_exists(server_url: str, name: str) -> bool:
    connection = await asyncpg.connect(server_url)
    try:
        return bool(await connection.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", name))
    finally:
        await connection.close()


async def _user_tables_and_name(url: str) -> tuple[list[str], str]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        return [row["tablename"] for row in rows], await connection.fetchval("SELECT current_database()")
    finally:
        await connection.close()


def test_postgres_url_is_an_empty_database_of_its_own(postgres_url: str, sentia_postgres_server: ServiceHandle) -> None:
    tables, name = asyncio.run(_user_tables_and_name(postgres_url))

    assert tables == []
    assert DATABASE_NAME.fullmatch(name)
    assert postgres_url == postgres.database_url(sentia_postgres_server.url, name)


def test_two_tests_get_two_empty_databases_that_are_dropped_afterwards(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, sentia_postgres_server: ServiceHandle
) -> None:
    monkeypatch.setenv(postgres.ENV, sentia_postgres_server.url)
    pytester.makepyfile(
        """
        import asyncio

        import asyncpg
        import pytest

        async def claim(url):
            connection = await asyncpg.connect(url)
            try:
                tables = await connection.fetch(
                    "SELECT tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                )
                # Each test leaves a table behind: the other test must still start empty.
                await connection.execute("CREATE TABLE claimed (id int)")
                return [row[0] for row in tables], await connection.fetchval("SELECT current_database()")
            finally:
                await connection.close()

        @pytest.mark.parametrize("n", [1, 2])
        def test_database(postgres_url, n):
            tables, name = asyncio.run(claim(postgres_url))
            assert tables == []
            with open("databases.txt", "a") as out:  # pytester runs in its own directory
                out.write(name + "\\n")
        """
    )

    pytester.runpytest().assert_outcomes(passed=2)

    names = (pytester.path / "databases.txt").read_text().split()
    assert len(names) == 2 and len(set(names)) == 2
    assert all(DATABASE_NAME.fullmatch(name) for name in names)
    for name in names:
        assert not asyncio.run(_database_exists(sentia_postgres_server.url, name)), f"{name} was not dropped"


@pytest.mark.anyio
async def test_drop_ends_connections_a_test_left_open(sentia_postgres_server: ServiceHandle) -> None:
    server = sentia_postgres_server.url
    name = postgres.new_database_name()
    url = postgres.create_database(server, name)
    leftover = await asyncpg.connect(url)
    try:
        postgres.drop_database(server, name)

        assert not await _database_exists(server, name)
        with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, OSError)):
            await leftover.fetchval("SELECT 1")
    finally:
        leftover.terminate()


def test_an_unusable_maintenance_database_is_reported(sentia_postgres_server: ServiceHandle) -> None:
    missing = postgres.database_url(sentia_postgres_server.url, postgres.new_database_name())

    problem = postgres.connection_error(missing)

    assert problem is not None
    assert problem.startswith('InvalidCatalogNameError: database "sentia_test_')


class _ReportsVersion12:
    """An asyncpg connection that says it is PostgreSQL 12, which has no `DROP DATABASE ... WITH (FORCE)`."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
        self.executed: list[str] = []

    def get_server_version(self) -> ServerVersion:
        return ServerVersion(12, 22, 0, "final", 0)

    async def execute(self, query: str, *args: object) -> str:
        self.executed.append(query)
        return str(await self._connection.execute(query, *args))

    async def close(self) -> None:
        await self._connection.close()


@pytest.mark.anyio
async def test_drop_on_servers_before_13_ends_connections_first(
    monkeypatch: pytest.MonkeyPatch, sentia_postgres_server: ServiceHandle
) -> None:
    server = sentia_postgres_server.url
    name = postgres.new_database_name()
    url = postgres.create_database(server, name)
    maintenance: list[_ReportsVersion12] = []

    async def connect(*args: object, **kwargs: object) -> _ReportsVersion12:
        maintenance.append(_ReportsVersion12(await asyncpg.connect(*args, **kwargs)))
        return maintenance[-1]

    monkeypatch.setattr(postgres, "_asyncpg", lambda: types.SimpleNamespace(connect=connect))
    leftover = await asyncpg.connect(url)
    try:
        postgres.drop_database(server, name)

        assert not await _database_exists(server, name)
        with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, OSError)):
            await leftover.fetchval("SELECT 1")
    finally:
        leftover.terminate()
    (connection,) = maintenance
    assert connection.executed[0].startswith("SELECT pg_terminate_backend(pid) FROM pg_stat_activity")
    assert connection.executed[1:] == [f'DROP DATABASE IF EXISTS "{name}"']


async def _run_as_server(server_url: str, *statements: str) -> None:
    connection = await asyncpg.connect(server_url)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def test_a_role_that_may_not_create_databases_is_reported(sentia_postgres_server: ServiceHandle) -> None:
    server = sentia_postgres_server.url
    role, password = f"sentia_nocreatedb_{secrets.token_hex(4)}", secrets.token_hex(12)
    parts = urlsplit(server)
    as_role = urlunsplit(parts._replace(netloc=f"{role}:{password}@{parts.hostname}:{parts.port or 5432}"))
    asyncio.run(_run_as_server(server, f"CREATE ROLE {role} LOGIN NOCREATEDB NOSUPERUSER PASSWORD '{password}'"))
    try:
        problem = postgres.connection_error(as_role)
    finally:
        asyncio.run(_run_as_server(server, f"DROP ROLE {role}"))

    assert problem == f"role {role} may not create databases (ALTER ROLE {role} CREATEDB)"
