# syntax=docker/dockerfile:1
# The Sentia MCP server. Three stages: `build` makes wheels of the project and every dependency, `audit` runs
# pip-audit on exactly those wheels (a known vulnerability fails the build), `runtime` installs the audited wheels
# into a slim image that runs as a fixed non-root uid. Linted by hadolint (quality-gates --only container); built and
# scanned by Trivy in CI's `container` job.
#
#   docker build -t sentia .
#   docker run -p 3001:3001 -e SENTIA_ALLOWED_HOSTS=mcp.example.com -e SENTIA_JWT_SECRET -e SENTIA_API_KEY_HASH_KEY \
#     -e SENTIA_DATABASE_URL=postgresql://sentia@db/sentia sentia
#
# Nothing secret is baked in. The image runs in production mode, which refuses to start without
# SENTIA_ALLOWED_HOSTS, a JWT key (SENTIA_JWT_SECRET, SENTIA_JWT_PUBLIC_KEY_FILE naming a mounted file, or
# SENTIA_JWT_JWKS_URL) and SENTIA_API_KEY_HASH_KEY: give them at run time through the orchestrator's secrets, never as
# ENV or ARG here. Run `sentia-server migrate` once
# against a new PostgreSQL database; `-e SENTIA_ENVIRONMENT=development` is for trying the image out locally.

ARG PYTHON_IMAGE=python:3.11.15-slim-trixie

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY sentia_server ./sentia_server
COPY sentia_testkit ./sentia_testkit
# The testkit links its simulators' seed data to fixtures/.
COPY fixtures ./fixtures
# Wheels of the project and of everything `sentia[server]` needs, then two pinned lists of them: every wheel (what
# the runtime installs) and every wheel but the project's own (what pip-audit looks up on PyPI).
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[server]" \
    && python -c 'import pathlib; \
wheels = sorted(p.name.split("-")[:2] for p in pathlib.Path("/wheels").glob("*.whl")); \
pins = [f"{name}=={version}" for name, version in wheels]; \
pathlib.Path("/wheels/requirements.txt").write_text("\n".join(pins) + "\n"); \
pathlib.Path("/wheels/audit-requirements.txt").write_text("\n".join(p for p in pins if not p.startswith("sentia==")) + "\n")'

FROM ${PYTHON_IMAGE} AS audit
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN pip install --no-cache-dir pip-audit==2.10.1
COPY --from=build /wheels /wheels
# --strict: a dependency pip-audit cannot look up fails the build too. The runtime installs from this stage's
# /wheels, so BuildKit cannot skip the audit.
RUN pip-audit --strict --no-deps --disable-pip --progress-spinner off --requirement /wheels/audit-requirements.txt

FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SENTIA_ENVIRONMENT=production \
    SENTIA_HOST=0.0.0.0 \
    SENTIA_PORT=3001 \
    SENTIA_DATA_DIR=/var/lib/sentia
# The PostgreSQL client tools `sentia-server backup` runs (pg_dump, pg_restore): Debian 13's major version 17, which
# dumps and restores servers of that version and older. Unpinned on purpose: the distribution's security updates apply.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install --yes --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 sentia \
    && useradd --system --uid 10001 --gid sentia --home-dir /var/lib/sentia --create-home \
       --shell /usr/sbin/nologin sentia
# Only the audited wheels, offline; then pip itself goes, as nothing installs packages at run time.
RUN --mount=type=bind,from=audit,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels --requirement /wheels/requirements.txt \
    && python -m pip uninstall --yes pip setuptools wheel
WORKDIR /var/lib/sentia
USER 10001:10001
EXPOSE 3001
# Readiness of this container's own server (the database and cache it uses included), asked on loopback whatever
# SENTIA_PUBLIC_URL says. Whoever changes SENTIA_PORT overrides this HEALTHCHECK (or the orchestrator's probe) too.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["sentia-server", "healthcheck", "--url", "http://127.0.0.1:3001", "--timeout", "5"]
CMD ["sentia-server", "serve", "--transport", "http"]
