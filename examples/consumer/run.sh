#!/usr/bin/env bash
# The consumer example against an installed sentia: build the wheel from this repository, install it with its
# `testkit` and `gates` extras (dependencies from the package index) into a fresh virtual environment outside the
# source tree, then run the example's tests and quality gates from a copy of this directory, with the source tree
# nowhere on sys.path.
#
#   examples/consumer/run.sh            (PYTHON=/path/to/python3.11 to choose the interpreter; KEEP=1 keeps the
#                                        work directory with the venv and the reports)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/sentia-consumer.XXXXXX")"
if [ "${KEEP:-0}" = 1 ]; then
  trap 'echo "work directory kept: $work"' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi

log() { printf '\n==> %s\n' "$*"; }

log "building the sentia wheel"
# From a copy of what the wheel is made of: building in the checkout would reuse its build/ directory, which can
# still hold modules deleted since. fixtures/ is the target of sentia_testkit/simulators/seed.
mkdir -p "$work/src" "$work/dist"
tar -C "$repo" --exclude=__pycache__ -cf - pyproject.toml README.md sentia_server sentia_testkit fixtures \
  | tar -C "$work/src" -xf -
"$python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$work/src"
wheel="$(ls "$work"/dist/sentia-*.whl)"
echo "$wheel"

log "installing sentia[testkit,gates] and the example into a fresh venv"
"$python" -m venv "$work/venv"
venv_python="$work/venv/bin/python"
mkdir -p "$work/consumer"
tar -C "$here" --exclude=__pycache__ -cf - pyproject.toml README.md acme_plant tests | tar -C "$work/consumer" -xf -
"$venv_python" -m pip install --quiet "sentia[testkit,gates] @ file://$wheel" "$work/consumer[test]"

cd "$work/consumer"
export PATH="$work/venv/bin:$PATH"
unset PYTHONPATH

log "where the testkit comes from"
site_packages="$("$venv_python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
testkit="$("$venv_python" -c 'import sentia_testkit; print(sentia_testkit.__file__)')"
echo "$testkit"
case "$testkit" in
  "$site_packages"/*) ;;
  *) echo "sentia_testkit was imported from $testkit, not from the venv's $site_packages" >&2; exit 1 ;;
esac
"$venv_python" -c '
import sys
shadowing = [path for path in sys.path if path.rstrip("/") == sys.argv[1]]
sys.exit(f"the source tree is on sys.path: {shadowing}" if shadowing else 0)' "$repo"

# The tests load the seed data and the payload wordlists; the type marker is checked here.
"$venv_python" -c '
from importlib.resources import files
missing = [package for package in ("sentia_testkit", "sentia_server") if not files(package).joinpath("py.typed").is_file()]
raise SystemExit(f"py.typed missing from {missing}" if missing else 0)'

log "tests (under coverage)"
mkdir -p reports
"$venv_python" -m coverage run -m pytest --junitxml=reports/junit.xml
"$venv_python" -m coverage json -q -o reports/coverage.json

log "quality gates"
quality-gates --produce-only --only security,lint
quality-gates --from-reports reports --only tests,coverage,security,lint
