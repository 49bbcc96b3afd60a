"""The dependencies gate with a stand-in pip-audit and a stand-in list of installed distributions (no network).

The offline fallback is matched against the shared PyPA advisory database (a snapshot dated 2024-10-10); the real
pip-audit runs in tests/integration/gates.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from sentia_testkit.gates.advisories import Package
from sentia_testkit.gates.base import GateContext
from sentia_testkit.gates.config import GatesConfig
from sentia_testkit.gates.dependencies import DependenciesGate, read_pip_audit
from sentia_testkit.gates.model import GateResult, GateStatus

SHARED_DB_CANDIDATES = (
    str(Path(__file__).resolve().parents[3].parent / "shared" / "advisory-db"),
    "/work/shared/advisory-db",
)
NOT_FOUND = "Dependency not found on PyPI and could not be audited: {name} ({version})"


def shared_advisory_db() -> str:
    for candidate in SHARED_DB_CANDIDATES:
        if (Path(candidate) / "vulns").is_dir():
            return candidate
    pytest.fail(f"no OSV advisory directory at any of {SHARED_DB_CANDIDATES}")


def fake_pip_audit(tmp_path: Path, report: dict[str, Any] | None, *, stderr: str = "", exit_code: int = 0) -> str:
    """A pip-audit stand-in that writes `report` to its --output (or writes nothing) and exits with `exit_code`."""
    script = tmp_path / "bin" / "pip-audit"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"report = {json.dumps(json.dumps(report)) if report is not None else None}\n"
        "if report is not None:\n"
        "    open(sys.argv[sys.argv.index('--output') + 1], 'w').write(report)\n"
        f"sys.stderr.write({stderr!r})\n"
        f"sys.exit({exit_code})\n"
    )
    script.chmod(0o755)
    return str(script)


UNREACHABLE = "Traceback (most recent call last):\nrequests.exceptions.ProxyError: Unable to connect to proxy\n"


def run_gate(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    installed: list[Package],
    *,
    live: dict[str, Any] | None = None,
    stderr: str = UNREACHABLE,
    pyproject: str | None = None,
    **dependencies: Any,
) -> GateResult:
    tool = fake_pip_audit(tmp_path, live, stderr=stderr, exit_code=0 if live is not None else 1)
    monkeypatch.setattr(GateContext, "tool", lambda _self, _name: tool)
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject)
    ctx = GateContext(tmp_path, tmp_path / "reports", GatesConfig(dependencies=dependencies))
    gate = DependenciesGate(installed=lambda: installed)
    gate.produce(ctx)
    return gate.evaluate(ctx)


def report_of(tmp_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((tmp_path / "reports" / "dependencies.json").read_text())
    return data


JINJA_2_10 = [Package("Jinja2", "2.10"), Package("packaging", "24.0")]
OFFLINE_NOTE = (
    "audited against the offline advisory database at {path}, dated 2024-10-10: advisories published after that "
    "date are not known (the date is the newest `modified` timestamp (2024-10-10T17:22:00.587279+00:00) among its "
)


def test_a_known_vulnerable_version_fails_naming_the_advisory_and_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    db = shared_advisory_db()
    result = run_gate(tmp_path, monkeypatch, JINJA_2_10, advisory_db=db)
    assert result.status is GateStatus.FAIL
    assert result.summary == (
        "known vulnerabilities 2 (limit 0): PYSEC-2019-217 in Jinja2 2.10, PYSEC-2021-66 in Jinja2 2.10 "
        "(2 by the offline advisory database dated 2024-10-10)"
    )
    first = result.findings[0]
    assert (first.location, first.rule) == ("Jinja2==2.10", "PYSEC-2019-217")
    assert first.message.startswith("PYSEC-2019-217 (CVE-2019-10906, GHSA-462w-v97r-4m45) affects Jinja2 2.10: ")
    assert "(fixed in: 2.10.1; source osv-directory)" in first.message
    assert [(c.name, c.measured, c.limit, c.passed) for c in result.checks] == [
        ("known vulnerabilities", "2", "0", False),
        ("packages not audited", "0", "0", True),
        ("packages audited", "2", ">= 1", True),
    ]
    assert any(note.startswith(OFFLINE_NOTE.format(path=Path(db).resolve())) for note in result.notes)
    assert any(
        note.startswith("pip-audit could not audit: pip-audit exited 1 without a report: ") for note in result.notes
    )

    report = report_of(tmp_path)
    assert report["source"] == "osv-directory"
    assert report["offline"]["date"] == "2024-10-10"
    assert report["live"]["error"].endswith("requests.exceptions.ProxyError: Unable to connect to proxy")
    assert {v["id"]: v["fixed_versions"] for v in report["vulnerabilities"]} == {
        "PYSEC-2019-217": ["2.10.1"],
        "PYSEC-2021-66": ["2.11.3"],
    }


def test_ignored_vulnerabilities_pass_with_their_reasons_in_the_notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    ignore = [
        {"id": "PYSEC-2019-217", "reason": "the sandbox is not used: templates are our own"},
        {"id": "CVE-2020-28493", "reason": "urlize is never called on user input"},
        {"id": "PYSEC-2000-1", "reason": "kept from an old audit by mistake"},
    ]
    result = run_gate(tmp_path, monkeypatch, JINJA_2_10, advisory_db=shared_advisory_db(), ignore=ignore)
    assert result.status is GateStatus.PASS
    assert result.summary == (
        "no known vulnerabilities in 2 packages (2 by the offline advisory database dated 2024-10-10); "
        "2 ignored with reasons"
    )
    assert (
        "ignored PYSEC-2019-217 (CVE-2019-10906, GHSA-462w-v97r-4m45) in Jinja2 2.10: "
        "the sandbox is not used: templates are our own"
    ) in result.notes
    assert any(n.startswith("ignored PYSEC-2021-66 (CVE-2020-28493") for n in result.notes)
    assert (
        "ignore entry PYSEC-2000-1 matches no reported vulnerability (remove it): kept from an old audit by mistake"
    ) in result.notes


def test_a_version_that_does_not_parse_is_not_audited_and_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    result = run_gate(tmp_path, monkeypatch, [Package("jinja2", "two.ten")], advisory_db=shared_advisory_db())
    assert result.status is GateStatus.FAIL
    assert result.summary.startswith("packages not audited 1 (limit 0): jinja2 two.ten; packages audited 0")
    [finding] = result.findings
    assert finding.location == "jinja2==two.ten"
    assert finding.message.startswith("could not be audited: version 'two.ten' is not a PEP 440 version")


def test_no_fallback_and_an_unreachable_service_is_unavailable_saying_how_to_configure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    result = run_gate(tmp_path, monkeypatch, JINJA_2_10)
    assert result.status is GateStatus.UNAVAILABLE
    assert result.summary.startswith("pip-audit could not audit: pip-audit exited 1 without a report: ")
    assert "no offline advisory database is configured: set advisory_db in [tool.sentia.gates.dependencies]" in (
        result.summary
    )
    assert report_of(tmp_path)["source"] is None


def test_a_broken_advisory_directory_is_unavailable_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    result = run_gate(tmp_path, monkeypatch, JINJA_2_10, advisory_db="no-such-db")
    assert result.status is GateStatus.UNAVAILABLE
    assert f"the offline advisory database at {tmp_path / 'no-such-db'} cannot be used: " in result.summary
    assert "has no vulns/ folder" in result.summary


def test_the_projects_editable_install_is_a_note_other_packages_are_audited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    installed = [
        Package("demo-project", "0.1.0", editable=True, location=str(tmp_path)),
        Package("requests", "2.32.3"),
    ]
    result = run_gate(tmp_path, monkeypatch, installed, advisory_db=shared_advisory_db())
    assert result.status is GateStatus.PASS
    assert "not audited: editable install of the project (demo-project 0.1.0)" in result.notes
    assert (
        result.summary == "no known vulnerabilities in 1 packages (1 by the offline advisory database dated 2024-10-10)"
    )


def pip_audit_report(*dependencies: dict[str, Any]) -> dict[str, Any]:
    return {"dependencies": list(dependencies), "fixes": []}


REQUESTS_VULN = {
    "name": "requests",
    "version": "2.19.0",
    "vulns": [
        {
            "id": "PYSEC-2018-28",
            "fix_versions": ["2.20.0"],
            "aliases": ["CVE-2018-18074"],
            "description": "The Requests package before 2.20.0 sends an HTTP Authorization header. More.",
        }
    ],
}


def test_the_live_report_is_judged_when_pip_audit_can_audit_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    live = pip_audit_report(
        REQUESTS_VULN,
        {"name": "idna", "version": "3.10", "vulns": []},
        {"name": "demo-project", "skip_reason": "distribution marked as editable"},
    )
    result = run_gate(tmp_path, monkeypatch, [], live=live, pyproject='[project]\nname = "Demo_Project"\n')
    assert result.status is GateStatus.FAIL
    assert result.summary == "known vulnerabilities 1 (limit 0): PYSEC-2018-28 in requests 2.19.0 (2 by pip-audit)"
    assert result.findings[0].message == (
        "PYSEC-2018-28 (CVE-2018-18074) affects requests 2.19.0: The Requests package before 2.20.0 sends an HTTP "
        "Authorization header. (fixed in: 2.20.0; source pip-audit)"
    )
    assert "not audited: editable install of the project (demo-project)" in result.notes
    assert not any("offline" in note for note in result.notes)
    assert report_of(tmp_path)["source"] == "pip-audit"


def test_packages_pip_audit_skipped_fail_without_a_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    live = pip_audit_report(
        {"name": "idna", "version": "3.10", "vulns": []},
        {"name": "private-lib", "skip_reason": NOT_FOUND.format(name="private-lib", version="1.2")},
    )
    result = run_gate(tmp_path, monkeypatch, [], live=live)
    assert result.status is GateStatus.FAIL
    assert result.summary == "packages not audited 1 (limit 0): private-lib 1.2 (1 by pip-audit)"
    assert result.findings[0].message.startswith(
        "could not be audited: Dependency not found on PyPI and could not be audited: private-lib (1.2); "
        "set advisory_db in [tool.sentia.gates.dependencies]"
    )


def test_packages_pip_audit_skipped_are_matched_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    live = pip_audit_report(
        {"name": "idna", "version": "3.10", "vulns": []},
        {"name": "pyyaml", "skip_reason": NOT_FOUND.format(name="pyyaml", version="5.3")},
        {"name": "ghost", "skip_reason": NOT_FOUND.format(name="ghost", version="1.0")},
    )
    installed = [Package("idna", "3.10"), Package("PyYAML", "5.3")]
    result = run_gate(tmp_path, monkeypatch, installed, live=live, advisory_db=shared_advisory_db())
    assert result.status is GateStatus.FAIL
    assert "PYSEC-2020-96 in PyYAML 5.3" in result.summary
    assert "packages not audited 1 (limit 0): ghost 1.0" in result.summary
    assert result.summary.endswith("(1 by pip-audit, 1 by the offline advisory database dated 2024-10-10)")
    assert "pip-audit could not audit 2 packages, e.g. " + NOT_FOUND.format(name="pyyaml", version="5.3") in (
        result.notes
    )
    assert report_of(tmp_path)["source"] == "pip-audit+osv-directory"


def test_requirement_files_are_matched_by_their_pins_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "requirements.txt").write_text("requests==2.19.0\nidna>=3\n")
    result = run_gate(tmp_path, monkeypatch, [], advisory_db=shared_advisory_db(), requirements=["requirements.txt"])
    assert result.status is GateStatus.FAIL
    assert "PYSEC-2018-28 in requests 2.19.0" in result.summary
    assert "packages not audited 1 (limit 0): idna" in result.summary
    assert any(
        note.startswith("offline matching of requirement files sees only the versions they pin")
        for note in (result.notes)
    )
    report = report_of(tmp_path)
    assert report["target"] == {"kind": "requirements", "files": ["requirements.txt"]}
    assert "--requirement" in report["live"]["command"]


def test_evaluate_judges_a_pip_audit_report_alone_when_dependencies_json_is_missing(tmp_path: Path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "pip-audit.json").write_text(json.dumps(pip_audit_report(REQUESTS_VULN)))
    ctx = GateContext(tmp_path, reports, GatesConfig(dependencies={"advisory_db": shared_advisory_db()}))
    result = DependenciesGate(installed=list).evaluate(ctx)
    assert result.status is GateStatus.FAIL
    assert f"dependencies.json is missing: judged {reports / 'pip-audit.json'} alone, without the offline fallback" in (
        result.notes
    )


@pytest.mark.parametrize(
    ("files", "status", "text"),
    [
        ({}, GateStatus.UNAVAILABLE, "no report at"),
        ({"dependencies.json": "{not json"}, GateStatus.ERROR, "JSONDecodeError"),
        ({"dependencies.json": '{"format": "other"}'}, GateStatus.ERROR, "not a sentia-dependencies/1 report"),
        ({"pip-audit.json": '{"fixes": []}'}, GateStatus.ERROR, "KeyError"),
    ],
)
def test_missing_or_unreadable_reports_never_pass(tmp_path: Path, files: dict[str, str], status: GateStatus, text: str):
    reports = tmp_path / "reports"
    reports.mkdir()
    for name, content in files.items():
        (reports / name).write_text(content)
    result = DependenciesGate(installed=list).evaluate(GateContext(tmp_path, reports, GatesConfig()))
    assert result.status is status
    assert text in result.summary


def test_an_audit_of_nothing_is_never_a_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    result = run_gate(tmp_path, monkeypatch, [], live=pip_audit_report())
    assert result.status is GateStatus.FAIL
    assert result.summary == "packages audited 0 (limit >= 1) (no package audited)"


def test_pip_audit_skip_reasons_keep_the_version(tmp_path: Path):
    path = tmp_path / "pip-audit.json"
    skip = {"name": "pip", "skip_reason": NOT_FOUND.format(name="pip", version="26.3")}
    path.write_text(json.dumps(pip_audit_report(skip)))
    [skipped] = read_pip_audit(path).skipped
    assert (skipped.name, skipped.version, skipped.editable) == ("pip", "26.3", False)


def test_the_command_audits_the_environment_skipping_editables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    run_gate(tmp_path, monkeypatch, [], live=pip_audit_report())
    command = report_of(tmp_path)["live"]["command"]
    assert command[1:] == [
        "--format",
        "json",
        "--output",
        str(tmp_path / "reports" / "pip-audit.json"),
        "--progress-spinner",
        "off",
        "--skip-editable",
    ]
