"""deploy/nginx/: `nginx -t` accepts the configuration exactly as the container mounts it (with a throwaway
certificate), and the settings the server depends on are there: upstream keep-alive, compression, forwarded headers,
the request size limit of SENTIA_MAX_REQUEST_BODY_BYTES, timeouts for long tool calls, no version banner.

nginx resolves upstream host names while it checks, and the names are Compose service names (`server`, `grafana`):
the check runs in a user and mount namespace of its own (`unshare`, no root needed) whose /etc/hosts maps them to
loopback. Inside it nginx is root of the namespace, so `-g 'user root root;'` keeps it from switching to `nobody`,
a user the namespace does not map."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from support.deploy import COMPOSE_FILE, NGINX_DIR, load_yaml

from sentia_server.config import Settings

CONF = NGINX_DIR / "nginx.conf"
SITE = NGINX_DIR / "conf.d" / "sentia.conf"
REQUIRE_ENV = "SENTIA_REQUIRE_SERVICES"


def _directives(path: Path) -> list[tuple[str, str]]:
    """(name, arguments) of every simple directive, comments removed."""
    text = re.sub(r"#[^\n]*", "", path.read_text(encoding="utf-8"))
    return [(match[1], " ".join(match[2].split())) for match in re.finditer(r"(?m)^\s*([a-z_0-9]+)\s+([^;{}]*);", text)]


def _values(path: Path, name: str) -> list[str]:
    return [arguments for directive, arguments in _directives(path) if directive == name]


def _size_in_bytes(size: str) -> int:
    match = re.fullmatch(r"(\d+)([kmg]?)", size.lower())
    assert match, f"unexpected size {size}"
    return int(match[1]) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[match[2]]


def _seconds(duration: str) -> int:
    match = re.fullmatch(r"(\d+)(s|m)?", duration)
    assert match, f"unexpected duration {duration}"
    return int(match[1]) * (60 if match[2] == "m" else 1)


def upstream_hosts() -> list[str]:
    return [re.split(r"[:\s]", server)[0] for server in _values(SITE, "server")]


def test_the_request_size_limit_matches_the_server_setting():
    (limit,) = _values(CONF, "client_max_body_size")
    default = Settings.model_fields["max_request_body_bytes"].default
    assert _size_in_bytes(limit) == default
    example = (NGINX_DIR.parent / "sentia.env.example").read_text(encoding="utf-8")
    assert f"SENTIA_MAX_REQUEST_BODY_BYTES={default}" in example


def test_no_version_banner_and_compression_on():
    assert _values(CONF, "server_tokens") == ["off"]
    assert _values(CONF, "gzip") == ["on"]
    assert "application/json" in _values(CONF, "gzip_types")[0]


def test_upstream_keepalive_and_forwarded_headers():
    assert int(_values(SITE, "keepalive")[0]) > 0
    # nginx must give up an idle upstream connection before the server closes it, or it sends requests into a
    # connection being closed and answers them 502.
    (idle,) = _values(SITE, "keepalive_timeout")
    assert _seconds(idle) < Settings.model_fields["http_keep_alive_seconds"].default
    assert "1.1" in _values(SITE, "proxy_http_version")
    headers = _values(SITE, "proxy_set_header")
    for header in (
        'Connection ""',
        "Host $host",
        "X-Forwarded-For $proxy_add_x_forwarded_for",
        "X-Forwarded-Proto $scheme",
    ):
        assert header in headers
    assert set(upstream_hosts()) <= set(load_yaml(COMPOSE_FILE)["services"])


def test_timeouts_leave_room_for_long_ai_tool_calls():
    assert min(_seconds(value) for value in _values(SITE, "proxy_read_timeout")) >= 300
    assert min(_seconds(value) for value in _values(SITE, "proxy_send_timeout")) >= 300


def test_tls_uses_the_mounted_certificates():
    compose = load_yaml(COMPOSE_FILE)["services"]["nginx"]
    mounts = {volume.split(":")[1] for volume in compose["volumes"]}
    certificate = _values(SITE, "ssl_certificate")[0]
    key = _values(SITE, "ssl_certificate_key")[0]
    for path in (certificate, key):
        assert f"/etc/nginx/{Path(path).parent}" in mounts
        assert f"`{Path(path).name}`" in (NGINX_DIR / "certs" / "README.md").read_text(encoding="utf-8")
    assert set(_values(SITE, "ssl_protocols")[0].split()) <= {"TLSv1.2", "TLSv1.3"}


def _write_certificate(folder: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mcp.example.org")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (folder / "tls.crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "tls.key").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def _namespaces_available() -> None:
    unshare = shutil.which("unshare")
    probe = (
        subprocess.run([unshare, "--user", "--map-root-user", "--mount", "true"], capture_output=True, check=False)
        if unshare
        else None
    )
    if probe is not None and probe.returncode == 0:
        return
    message = "nginx -t needs `unshare` with user namespaces (util-linux), which this machine does not allow"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message}. This is an error because {REQUIRE_ENV}=1.", pytrace=False)
    pytest.skip(message)


def _nginx_test(nginx: Path, tmp_path: Path, with_certificate: bool) -> subprocess.CompletedProcess[str]:
    _namespaces_available()
    conf = tmp_path / "conf"
    shutil.copytree(NGINX_DIR, conf)
    if with_certificate:
        _write_certificate(conf / "certs")
    prefix = tmp_path / "run"
    prefix.mkdir()
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost " + " ".join(upstream_hosts()) + "\n")
    script = 'mount --bind "$1" /etc/hosts && exec "$2" -t -p "$3/" -c "$4" -e stderr -g "user root root;"'
    command = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh"]
    arguments = [str(hosts), str(nginx), str(prefix), str(conf / "nginx.conf")]
    return subprocess.run([*command, *arguments], capture_output=True, text=True, timeout=60, check=False)


def test_nginx_accepts_the_configuration(nginx, tmp_path):
    result = _nginx_test(nginx, tmp_path, with_certificate=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_refuses_it_without_the_certificate(nginx, tmp_path):
    result = _nginx_test(nginx, tmp_path, with_certificate=False)
    assert result.returncode != 0
    assert "tls.crt" in result.stderr
