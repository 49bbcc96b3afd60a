"""The vulnerable toy app in its flawed and secure forms, and RSA keys for the JWT attack suite."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from mcp import Client
from support.vulnerable_app import FLAWS, ToyVendor, ToyVerifier, mcp_server, rest_app

ToyClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture(scope="session")
def rsa_pems() -> tuple[bytes, bytes]:
    """(private, public) PEM of one RSA key, generated once per session."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


@pytest.fixture
def vendor() -> ToyVendor:
    return ToyVendor()


@pytest.fixture
def toy_http(vendor: ToyVendor, rsa_pems: tuple[bytes, bytes], tmp_path: Path) -> ToyClient:
    """`async with toy_http(flaws, base_url=...) as client`: an httpx client of the toy's Starlette app."""

    @asynccontextmanager
    async def open_client(
        flaws: Collection[str] = FLAWS, base_url: str = "http://toy.test"
    ) -> AsyncIterator[httpx.AsyncClient]:
        verifier = ToyVerifier(rsa_pems[1], flaws, tmp_path)
        app = rest_app(vendor, verifier, flaws)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as client:
            yield client

    return open_client


@pytest.fixture
def toy_mcp(vendor: ToyVendor) -> Callable[..., AbstractAsyncContextManager[Client]]:
    """`async with toy_mcp(role, flaws) as client`: an in-memory MCP client of the toy's MCP server."""

    @asynccontextmanager
    async def open_client(role: str = "admin", flaws: Collection[str] = FLAWS) -> AsyncIterator[Client]:
        async with Client(mcp_server(vendor, role, flaws)) as client:
            yield client

    return open_client
