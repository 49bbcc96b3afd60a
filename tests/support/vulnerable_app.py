"""A deliberately vulnerable app, so that every security check can be shown to fail: a Starlette app (REST routes,
a JWT-protected route, headers, CORS) and a tiny MCP server, over a toy vendor simulator.

Every flaw can be switched off one by one (`flaws=` a subset of `FLAWS`); with none, the same app is the secure
counterpart the checks must pass on. The flaws are the classics: SQL built by string concatenation (a quote makes it
fail with a trace), HTML reflection, a vendor URL and a GraphQL document built from raw input, a JWT verifier that
trusts the token's header, missing security headers, CORS reflecting every origin, and RBAC letting a viewer write.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import sqlite3
import time
import traceback
from collections.abc import Collection
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp_types import EmbeddedResource, TextResourceContents
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sentia_testkit.simulators.core import Simulator, SimulatorRequest, json_response

ISSUER = "https://toy.example"
AUDIENCE = "toy-api"
SECRET = "k3J9-qLx2Vt8Rw5Zp1Nc7Hd4Gb6Mf0Ys"
JWT_FLAWS = frozenset(
    {
        "alg-none",
        "key-confusion",
        "no-exp",
        "no-nbf",
        "exp-optional",
        "no-iss",
        "no-aud",
        "no-signature",
        "kid-path",
        "kid-sql",
        "jwk",
    }
)
HTTP_FLAWS = frozenset({"sql", "html", "vendor-url", "vendor-graphql", "headers", "cors", "crash", "rbac"})
FLAWS = JWT_FLAWS | HTTP_FLAWS
VENDOR_URL = "https://vendor.test"


class ToyVendor(Simulator):
    """The vendor the toy calls: a product by SKU in the path, and a GraphQL endpoint."""

    vendor = "toy-vendor"

    def __init__(self) -> None:
        super().__init__()

        @self.route("GET", "/products/{sku:path}", "product")
        def product(request: SimulatorRequest) -> httpx.Response:
            return json_response(200, {"sku": request.params["sku"]})

        @self.route("POST", "/graphql", "graphql")
        def graphql(request: SimulatorRequest) -> httpx.Response:
            return json_response(200, {"data": {"products": []}})


def _query(name: str, *, flawed: bool) -> list[tuple[Any, ...]]:
    database = sqlite3.connect(":memory:")
    try:
        database.execute("CREATE TABLE products (name TEXT)")
        if flawed:
            return database.execute("SELECT name FROM products WHERE name = '" + name + "'").fetchall()  # noqa: S608
        return database.execute("SELECT name FROM products WHERE name = ?", (name,)).fetchall()
    finally:
        database.close()


async def _call_vendor(vendor: ToyVendor, value: str, flaws: Collection[str]) -> None:
    async with httpx.AsyncClient(transport=vendor.transport(), base_url=VENDOR_URL) as client:
        path = value if "vendor-url" in flaws else quote(value, safe="")
        await client.get(f"/products/{path}")
        if "vendor-graphql" in flaws:
            body: dict[str, Any] = {"query": f'{{ products(query: "{value}") {{ id }} }}'}
        else:
            body = {"query": "query Find($q: String!) { products(query: $q) { id } }", "variables": {"q": value}}
        await client.post("/graphql", json=body)


# JWT


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


class ToyVerifier:
    """A hand-written verifier with each classic mistake available as a flaw; with none it is correct."""

    def __init__(self, public_pem: bytes, flaws: Collection[str], key_dir: Path) -> None:
        self.public_pem = public_pem
        self.flaws = frozenset(flaws)
        self.key_dir = key_dir

    def verify(self, token: str) -> dict[str, Any] | None:
        try:
            head, body, signature = token.split(".")
            header = json.loads(_b64decode(head))
            claims: dict[str, Any] = json.loads(_b64decode(body))
        except ValueError:
            return None
        if not self._signature_ok(header, f"{head}.{body}".encode(), _b64decode(signature) if signature else b""):
            return None
        return claims if self._claims_ok(claims) else None

    def _signature_ok(self, header: dict[str, Any], signed: bytes, signature: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding, rsa

        alg = str(header.get("alg"))
        if alg.lower() == "none":
            return "alg-none" in self.flaws
        if "no-signature" in self.flaws:
            return True
        if alg == "HS256":
            key = self._hmac_key(header)
            return key is not None and hmac.compare_digest(hmac.new(key, signed, hashlib.sha256).digest(), signature)
        if alg == "RS256":
            public_pem = self.public_pem
            if "jwk" in header:
                if "jwk" not in self.flaws:
                    return False
                import jwt

                public = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(header["jwk"]))
                public_pem = public.public_bytes(  # type: ignore[union-attr]
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            loaded = serialization.load_pem_public_key(public_pem)
            assert isinstance(loaded, rsa.RSAPublicKey)
            try:
                loaded.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
            except InvalidSignature:
                return False
            return True
        return False

    def _hmac_key(self, header: dict[str, Any]) -> bytes | None:
        kid = header.get("kid")
        if kid is not None:
            if "kid-path" in self.flaws and "/" in str(kid):
                return (self.key_dir / str(kid)).read_bytes()
            if "kid-sql" in self.flaws:
                database = sqlite3.connect(":memory:")
                database.execute("CREATE TABLE keys (kid TEXT, key TEXT)")
                row = database.execute("SELECT key FROM keys WHERE kid = '" + str(kid) + "'").fetchone()  # noqa: S608
                database.close()
                return str(row[0]).encode() if row else None
            return None
        # The classic confusion: the key configured for RS256 handed to whatever algorithm the header names.
        return self.public_pem if "key-confusion" in self.flaws else SECRET.encode()

    def _claims_ok(self, claims: dict[str, Any]) -> bool:
        now = time.time()
        if "exp" not in claims and "exp-optional" not in self.flaws:
            return False
        if "exp" in claims and claims["exp"] < now and "no-exp" not in self.flaws:
            return False
        if claims.get("nbf", 0) > now and "no-nbf" not in self.flaws:
            return False
        if claims.get("iss") != ISSUER and "no-iss" not in self.flaws:
            return False
        return claims.get("aud") == AUDIENCE or "no-aud" in self.flaws


# HTTP


class _FlawedHeaders:
    """Reveals the stack, sends no security headers, and (flaw "cors") answers every origin with credentials."""

    def __init__(self, app: ASGIApp, flaws: frozenset[str]) -> None:
        self.app = app
        self.flaws = flaws

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # pragma: no cover - lifespan
            await self.app(scope, receive, send)
            return
        origin = dict(scope["headers"]).get(b"origin")
        if scope["method"] == "OPTIONS" and origin is not None and "cors" in self.flaws:
            await Response(status_code=204, headers=self._cors(origin))(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if "headers" in self.flaws:
                    headers += [(b"x-powered-by", b"PHP/5.6.40"), (b"server", b"ToyServer/1.2.3")]
                else:
                    headers += [
                        (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
                        (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
                        (b"x-content-type-options", b"nosniff"),
                        (b"referrer-policy", b"no-referrer"),
                    ]
                if origin is not None and "cors" in self.flaws:
                    headers += [(name.encode(), value.encode()) for name, value in self._cors(origin).items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _cors(origin: bytes) -> dict[str, str]:
        return {
            "access-control-allow-origin": origin.decode("latin-1"),
            "access-control-allow-credentials": "true",
            "access-control-allow-methods": "GET, POST",
        }


def rest_app(vendor: ToyVendor, verifier: ToyVerifier, flaws: Collection[str] = FLAWS) -> Starlette:
    """The toy's HTTP side. POST /search, /greet and /lookup take {"name"} / {"sku"}; GET /whoami needs a JWT."""
    active = frozenset(flaws)

    async def search(request: Request) -> Response:
        name = (await request.json())["name"]
        try:
            rows = _query(name, flawed="sql" in active)
        except sqlite3.Error:
            return PlainTextResponse(traceback.format_exc(), status_code=500)
        return JSONResponse({"products": rows})

    async def greet(request: Request) -> Response:
        name = str((await request.json())["name"])
        shown = name if "html" in active else html.escape(name)
        return HTMLResponse(f"<p>Hello {shown}</p>")

    async def lookup(request: Request) -> Response:
        try:
            await _call_vendor(vendor, str((await request.json())["sku"]), active)
        except httpx.InvalidURL:
            return JSONResponse({"error": "the SKU cannot be looked up"}, status_code=400)
        return JSONResponse({"ok": True})

    async def whoami(request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        claims = verifier.verify(token) if scheme.lower() == "bearer" else None
        if claims is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse({"sub": claims.get("sub")})

    app = Starlette(
        routes=[
            Route("/search", search, methods=["POST"]),
            Route("/greet", greet, methods=["POST"]),
            Route("/lookup", lookup, methods=["POST"]),
            Route("/whoami", whoami, methods=["GET"]),
        ]
    )
    return _FlawedHeaders(app, active)  # type: ignore[return-value]


# MCP

ROLES = ("viewer", "admin")
READ_TOOLS = ("find-product", "render-label", "count-words", "lookup-product", "read-stock")
TABLE = {
    "viewer": {**dict.fromkeys(READ_TOOLS, True), "delete-stock": False},
    "admin": {**dict.fromkeys(READ_TOOLS, True), "delete-stock": True},
}


def mcp_server(vendor: ToyVendor, role: str = "admin", flaws: Collection[str] = FLAWS) -> MCPServer:
    """The toy's MCP side, as seen by a caller with `role`."""
    active = frozenset(flaws)
    server = MCPServer(name="toy")

    def require(tool: str) -> None:
        allowed = TABLE[role][tool] or ("rbac" in active and tool == "delete-stock")
        if not allowed:
            raise MCPError(code=-32003, message=f"permission denied: {tool} needs the admin role")

    @server.tool(name="find-product")
    def find_product(name: str) -> str:
        """Finds a product by name."""
        try:
            return json.dumps(_query(name, flawed="sql" in active))
        except sqlite3.Error:
            raise ToolError(traceback.format_exc()) from None

    @server.tool(name="render-label")
    def render_label(text: str) -> list[Any]:
        """Renders a label as HTML."""
        shown = text if "html" in active else html.escape(text)
        page = TextResourceContents(uri="label://preview", mime_type="text/html", text=f"<div>{shown}</div>")
        return [EmbeddedResource(resource=page)]

    @server.tool(name="count-words")
    def count_words(text: str) -> int:
        """Counts the words of a text."""
        if "crash" in active and not text.isprintable():
            raise MCPError(code=-32603, message="Internal error")
        return len(text.split())

    @server.tool(name="lookup-product")
    async def lookup_product(sku: str) -> str:
        """Looks a product up at the vendor."""
        await _call_vendor(vendor, sku, active)
        return "ok"

    @server.tool(name="read-stock")
    def read_stock(sku: str = "SKU-1") -> int:
        """Reads the stock of a SKU."""
        require("read-stock")
        return 12

    @server.tool(name="delete-stock")
    def delete_stock(sku: str = "SKU-1") -> str:
        """Deletes the stock record of a SKU."""
        require("delete-stock")
        return f"deleted {sku}"

    return server
