from __future__ import annotations

import json
import logging

import pytest
import structlog

from sentia_server.observability.logging import REDACTED, configure_logging, redact_text

API_KEY = "sentia_0123456789abcdef_" + "Zk3" * 15
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl"


@pytest.fixture
def json_logs(capsys: pytest.CaptureFixture[str]):
    configure_logging("DEBUG", "json")

    def lines() -> list[dict]:
        err = capsys.readouterr().err
        return [json.loads(line) for line in err.splitlines() if line.startswith("{")]

    yield lines
    structlog.reset_defaults()
    logging.getLogger().handlers.clear()


@pytest.mark.parametrize("secret", [API_KEY, JWT, "Bearer abc.def-ghi"])
def test_credentials_in_text_are_redacted(secret: str):
    assert redact_text(f"request with {secret} failed") == f"request with {REDACTED} failed"


def test_sensitive_keys_and_credentials_never_reach_the_log(json_logs):
    log = structlog.get_logger("test")
    log.info("login", api_key="plain-value", headers={"Authorization": "x", "accept": "json"}, note=f"used {API_KEY}")
    logging.getLogger("mcp.server").warning("token %s refused", JWT)
    structured, foreign = json_logs()
    assert structured["api_key"] == REDACTED
    assert structured["headers"] == {"Authorization": REDACTED, "accept": "json"}
    assert structured["note"] == f"used {REDACTED}"
    assert foreign["event"] == f"token {REDACTED} refused"
    assert foreign["logger"] == "mcp.server"


def test_exceptions_are_logged_without_a_stack_trace(json_logs):
    try:
        raise ValueError("bad thing")
    except ValueError:
        structlog.get_logger("test").exception("failed")
        logging.getLogger("sqlalchemy").exception("also failed")
    for line in json_logs():
        assert (line["error_type"], line["error"]) == ("ValueError", "bad thing")
        assert "Traceback" not in json.dumps(line)
        assert "exception" not in line


def test_logs_go_to_stderr_never_stdout(capsys):
    configure_logging("INFO", "console")
    structlog.get_logger("test").info("hello")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "hello" in captured.err
    structlog.reset_defaults()


def test_lists_and_exception_tuples_are_handled(json_logs):
    import sys

    try:
        raise KeyError("missing")
    except KeyError:
        structlog.get_logger("test").error("lookup failed", tried=[API_KEY, "plain"], exc_info=sys.exc_info())
    [line] = json_logs()
    assert line["tried"] == [REDACTED, "plain"]
    assert line["error_type"] == "KeyError"
