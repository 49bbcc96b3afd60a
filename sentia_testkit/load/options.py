"""The command-line options of the load users and thresholds, each with a `SENTIA_LOAD_*` variable.

Locust parses them (`--mcp-token` or SENTIA_LOAD_TOKEN...); an Environment built in code, without parsed
options, falls back to the same variables and then to the defaults.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

BEARER_ENV = "SENTIA_LOAD_TOKEN"


def add_options(parser: Any, **_kwargs: Any) -> None:
    """An `init_command_line_parser` listener: the bearer token and the thresholds."""
    parser.add_argument(
        "--mcp-token",
        env_var=BEARER_ENV,
        default="",
        is_secret=True,
        help="Sent as Authorization: Bearer by the MCP, REST and metrics users (an API key or a JWT).",
    )
    parser.add_argument(
        "--threshold-failure-ratio",
        env_var="SENTIA_LOAD_MAX_FAILURE_RATIO",
        type=float,
        default=0.01,
        help="The run fails (exit code 1) when more than this share of requests failed. Default 0.01.",
    )
    parser.add_argument(
        "--threshold-p95-ms",
        env_var="SENTIA_LOAD_MAX_P95_MS",
        type=float,
        default=1000.0,
        help="The run fails when the 95th percentile response time of all requests is above this. Default 1000.",
    )
    parser.add_argument(
        "--threshold-min-requests",
        env_var="SENTIA_LOAD_MIN_REQUESTS",
        type=int,
        default=1,
        help="The run fails when it made fewer requests than this. Default 1.",
    )


def option(environment: Any, attribute: str, variable: str, default: T, kind: Callable[[str], T]) -> T:
    """The parsed option `attribute`, else the environment variable, else `default`."""
    parsed = getattr(environment, "parsed_options", None)
    value = getattr(parsed, attribute, None) if parsed is not None else None
    if value not in (None, ""):
        return kind(str(value))
    text = os.environ.get(variable, "")
    if text:
        try:
            return kind(text)
        except ValueError:
            raise ValueError(f"{variable}={text!r} cannot be read as {getattr(kind, '__name__', kind)}") from None
    return default


def bearer_headers(environment: Any, token: str | None = None) -> dict[str, str]:
    """`Authorization: Bearer` with `token`, else --mcp-token / SENTIA_LOAD_TOKEN; none when neither is set."""
    credential = token or option(environment, "mcp_token", BEARER_ENV, "", str)
    return {"Authorization": f"Bearer {credential}"} if credential else {}
