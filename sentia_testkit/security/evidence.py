"""How the probe recognises a weakness in what came back: internals in error text, a payload reflected into an
HTML page, and a payload that reached a vendor request without being encoded."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol
from urllib.parse import quote, quote_plus

# Text that only a stack trace, a driver error or a file path of the server contains.
LEAK_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        r"Traceback \(most recent call last\)",
        r'File "[^"]+", line \d+',
        r"site-packages",
        r"dist-packages",
        r"/usr/lib/python\d",
        r"\b\w+(?:\.\w+)*(?:Error|Exception): .*\bline \d+",
        r"sqlite3\.\w+Error",
        r"asyncpg\.exceptions",
        r"psycopg2?\.errors",
        r"at [\w.$]+\([\w]+\.java:\d+\)",
        r"node_modules/",
    )
)
# A tool error that admits the server failed, however politely (our own: "failed with an internal error").
INTERNAL_ERROR_MARKERS: tuple[str, ...] = ("internal error", "internal server error", "unhandled exception")
JSONRPC_INTERNAL_ERROR = -32603
# Characters that change how a URL is parsed and that clients send as they are (a backslash or a space they
# encode, a fragment they drop); a payload that keeps one raw in a vendor URL has escaped the path segment or query
# value it was meant to fill.
_URL_STRUCTURE = frozenset("/?&=;%")
# httpx and most clients percent-encode only what is illegal in a URL and keep these as they are.
_LENIENT_SAFE = "!$&'()*+,;=:@/?%~"
_HTML_SIGNS = ("<", ">", '"', "'", "javascript:")


class RecordedRequest(Protocol):
    """What the probe reads of a request a simulator received (httpx.Request and httpx2.Request both fit)."""

    @property
    def url(self) -> Any: ...

    @property
    def content(self) -> bytes: ...


class HasRequests(Protocol):
    """A simulator, or anything else that logs the requests it received in order."""

    @property
    def requests(self) -> Sequence[Any]: ...


def leaks(text: str, patterns: Iterable[re.Pattern[str]] = LEAK_PATTERNS) -> str | None:
    """The first trace of internals in `text`, or None."""
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return found.group(0)
    return None


def admits_internal_error(text: str, markers: Iterable[str] = INTERNAL_ERROR_MARKERS) -> bool:
    lowered = text.lower()
    return any(marker in lowered for marker in markers)


def reflected_into_html(payload: str, content_type: str, body: str) -> bool:
    """True when an HTML response carries a markup-bearing payload exactly as it was sent (not escaped)."""
    kind = content_type.split(";")[0].strip().lower()
    if kind not in ("text/html", "application/xhtml+xml"):
        return False
    markup = any(sign in payload.lower() for sign in _HTML_SIGNS)
    return markup and payload in body


def _raw_forms(payload: str) -> set[str]:
    """The spellings a payload pasted into a URL without encoding takes, for those that keep a character which
    changes the URL's structure."""
    sources = {payload, payload.split("#")[0]}
    stripped = re.sub(r"^(?:\.{1,2}[/\\])+", "", payload)
    if stripped != payload:  # clients drop dot-segments, so only the rest of a traversal remains visible
        sources.add(stripped)
    forms = set()
    for source in sources:
        if len(source) >= 3 and _URL_STRUCTURE & set(source):
            forms.add(quote(source, safe=_LENIENT_SAFE))
    proper = {quote(payload, safe=""), quote_plus(payload, safe="")}
    return forms - proper


def unencoded_in_url(payload: str, request: RecordedRequest) -> str | None:
    """The request's target when the payload sits in its path or query unencoded, else None."""
    raw = request.url.raw_path
    target = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
    for form in _raw_forms(payload):
        if form in target:
            return target
    return None


def in_graphql_document(payload: str, request: RecordedRequest) -> bool:
    """True when the payload was written into a GraphQL query document instead of being passed as a variable."""
    if len(payload) < 4 or payload.isalnum():
        return False
    try:
        body = json.loads(request.content or b"null")
    except ValueError:
        return False
    documents = [body] if isinstance(body, dict) else body if isinstance(body, list) else []
    escaped = json.dumps(payload)[1:-1]
    for document in documents:
        query = document.get("query") if isinstance(document, dict) else None
        if isinstance(query, str) and (payload in query or escaped in query):
            return True
    return False


URL_UNENCODED = "payload reached a vendor URL unencoded"
GRAPHQL_DOCUMENT = "payload written into a vendor GraphQL document"


def vendor_request_problems(payload: str, requests: Iterable[RecordedRequest]) -> list[tuple[str, str]]:
    """What each request (received while one payload was in play) did wrong with it, as (title, detail)."""
    problems = []
    for request in requests:
        target = unencoded_in_url(payload, request)
        if target is not None:
            problems.append((URL_UNENCODED, f"the request went to {target}"))
        if in_graphql_document(payload, request):
            problems.append((GRAPHQL_DOCUMENT, f"the query document sent to {request.url.raw_path!r} contains it"))
    return problems
