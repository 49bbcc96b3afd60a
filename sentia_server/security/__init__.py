"""HTTP hardening: request ids, security headers, body limits, and the credential header adapter."""
