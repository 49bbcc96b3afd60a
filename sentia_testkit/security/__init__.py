"""The security suite: payload corpora, an input probe for MCP tools and REST routes, a JWT attack suite, security
header and CORS checks, and the RBAC matrix check. Each check returns a `Report`; `report.raise_for_findings()`
fails a test with the list of findings (docs/testkit.md, "Security checks")."""

from sentia_testkit.security.clients import http_client
from sentia_testkit.security.corpus import Payload, all_payloads, categories, load_payloads, stratified_sample
from sentia_testkit.security.findings import Finding, Report, SecurityFindings, Severity
from sentia_testkit.security.headers import check_cors, check_security_headers
from sentia_testkit.security.jwt_attacks import (
    JwtTarget,
    attack_tokens,
    bearer_sender,
    check_jwt_attacks,
    check_weak_secrets_refused,
)
from sentia_testkit.security.probe import ProbeOptions, RestRoute, probe_mcp, probe_rest
from sentia_testkit.security.rbac import check_rbac_matrix, is_permission_error

__all__ = [
    "Finding",
    "JwtTarget",
    "Payload",
    "ProbeOptions",
    "Report",
    "RestRoute",
    "SecurityFindings",
    "Severity",
    "all_payloads",
    "attack_tokens",
    "bearer_sender",
    "categories",
    "check_cors",
    "check_jwt_attacks",
    "check_rbac_matrix",
    "check_security_headers",
    "check_weak_secrets_refused",
    "http_client",
    "is_permission_error",
    "load_payloads",
    "probe_mcp",
    "probe_rest",
    "stratified_sample",
]
