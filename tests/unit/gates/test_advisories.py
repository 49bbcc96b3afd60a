"""Offline OSV matching: range evaluation, withdrawn records, the directory reader and requirement pins."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from packaging.version import Version

from sentia_testkit.gates.advisories import (
    Advisory,
    AdvisoryDirectory,
    AdvisoryError,
    Affected,
    Package,
    Range,
    Unauditable,
    first_sentence,
    installed_packages,
    match,
    parse_advisory,
    pinned_requirements,
    range_affects,
)

SHARED_DB_CANDIDATES = (
    os.environ.get("SENTIA_GATES_ADVISORY_DB", ""),
    str(Path(__file__).resolve().parents[3].parent / "shared" / "advisory-db"),
    "/work/shared/advisory-db",
)


def shared_advisory_db() -> Path:
    """PyPA's advisory database as laid beside the repository (see .ci/run)."""
    for candidate in SHARED_DB_CANDIDATES:
        if candidate and (Path(candidate) / "vulns").is_dir():
            return Path(candidate)
    pytest.fail(f"no OSV advisory directory at any of {[c for c in SHARED_DB_CANDIDATES if c]}")


def advisory(*affected: Affected, withdrawn: str | None = None, aliases: tuple[str, ...] = ()) -> Advisory:
    return Advisory("PYSEC-0000-1", aliases, "summary", affected, withdrawn, "vulns/demo/PYSEC-0000-1.yaml")


def ecosystem(*events: tuple[str, str]) -> Range:
    return Range("ECOSYSTEM", events)


INTRODUCED_0_FIXED = (("introduced", "0"), ("fixed", "2.10.1"))
WINDOW = (("introduced", "1.0"), ("fixed", "1.5"))
LAST_AFFECTED = (("introduced", "0"), ("last_affected", "1.11.0"))
OPEN_ENDED = (("introduced", "2.0"),)
TWO_WINDOWS_UNSORTED = (("introduced", "2.0"), ("fixed", "2.5"), ("introduced", "0"), ("fixed", "1.0"))
WITH_LIMIT = (("introduced", "0"), ("limit", "3.0"), ("fixed", "2.0"))


@pytest.mark.parametrize(
    ("events", "version", "affected"),
    [
        (INTRODUCED_0_FIXED, "0.1", True),
        (INTRODUCED_0_FIXED, "0.0a1", True),  # "0" is the start of history, before pre-releases of 0
        (INTRODUCED_0_FIXED, "2.10", True),
        (INTRODUCED_0_FIXED, "2.10.1", False),
        (INTRODUCED_0_FIXED, "2.10.1rc1", True),
        (INTRODUCED_0_FIXED, "3.0", False),
        (WINDOW, "0.9", False),
        (WINDOW, "1.0", True),
        (WINDOW, "1.4.9", True),
        (WINDOW, "1.5", False),
        (WINDOW, "1.5.post1", False),
        (LAST_AFFECTED, "1.11.0", True),
        (LAST_AFFECTED, "1.11", True),
        (LAST_AFFECTED, "1.11.1", False),
        (OPEN_ENDED, "1.9", False),
        (OPEN_ENDED, "2.0", True),
        (OPEN_ENDED, "99.0", True),
        (TWO_WINDOWS_UNSORTED, "0.5", True),
        (TWO_WINDOWS_UNSORTED, "1.5", False),
        (TWO_WINDOWS_UNSORTED, "2.2", True),
        (TWO_WINDOWS_UNSORTED, "2.5", False),
        (WITH_LIMIT, "1.0", True),
        (WITH_LIMIT, "2.5", False),
    ],
)
def test_an_ecosystem_range_follows_the_osv_evaluation(
    events: tuple[tuple[str, str], ...], version: str, affected: bool
):
    assert range_affects(advisory(), events, Version(version)) is affected


@pytest.mark.parametrize(
    ("entry", "version", "affected"),
    [
        (Affected("demo", versions=("2.10", "2.9")), "2.10", True),
        (Affected("demo", versions=("2.10",)), "2.10.0", True),  # equal as PEP 440 versions
        (Affected("demo", versions=("2.10",)), "2.11", False),
        (Affected("demo", versions=("not-pep-440",)), "2.11", False),
        (Affected("demo", ranges=(ecosystem(*WINDOW), ecosystem(*OPEN_ENDED))), "1.2", True),
        (Affected("demo", ranges=(ecosystem(*WINDOW), ecosystem(*OPEN_ENDED))), "2.1", True),
        (Affected("demo", ranges=(ecosystem(*WINDOW), ecosystem(*OPEN_ENDED))), "1.7", False),
        (Affected("demo", ranges=(Range("GIT", (("introduced", "0"), ("fixed", "74ea7cf"))),)), "1.0", False),
        (Affected("demo", ranges=(ecosystem(*WINDOW),), versions=("1.7",)), "1.7", True),
        (Affected("other", ranges=(ecosystem(("introduced", "0")),)), "1.0", False),
    ],
)
def test_explicit_versions_and_multiple_ranges(entry: Affected, version: str, affected: bool):
    found = match(Package("Demo", version), [advisory(entry)])
    assert bool(found) is affected


def test_a_match_names_the_advisory_its_aliases_and_the_fixed_versions():
    entry = Affected("demo", ranges=(ecosystem(*TWO_WINDOWS_UNSORTED), Range("GIT", (("fixed", "abc123"),))))
    [found] = match(Package("Demo", "0.5"), [advisory(entry, aliases=("CVE-2020-1", "GHSA-x"))])
    assert (found.id, found.package, found.version) == ("PYSEC-0000-1", "Demo", "0.5")
    assert found.aliases == ("CVE-2020-1", "GHSA-x")
    assert found.fixed_versions == ("1.0", "2.5")
    assert found.source == "osv-directory"


def test_withdrawn_advisories_are_skipped():
    entry = Affected("demo", ranges=(ecosystem(("introduced", "0")),))
    assert match(Package("demo", "1.0"), [advisory(entry, withdrawn="2023-06-06T10:37:00Z")]) == []


def test_an_unparseable_installed_version_is_not_audited_never_safe():
    entry = Affected("demo", ranges=(ecosystem(*WINDOW),))
    with pytest.raises(Unauditable, match=r"version 'two\.ten' is not a PEP 440 version.*1 advisories for demo"):
        match(Package("demo", "two.ten"), [advisory(entry)])


def test_an_unparseable_version_needs_no_comparison_when_no_advisory_names_the_package():
    entry = Affected("other", ranges=(ecosystem(*WINDOW),))
    assert match(Package("demo", "two.ten"), [advisory(entry)]) == []


def test_an_unparseable_range_bound_makes_the_package_unauditable():
    entry = Affected("demo", ranges=(ecosystem(("introduced", "0"), ("fixed", "v2-final!")),))
    with pytest.raises(Unauditable, match=r"PYSEC-0000-1 .* range bound 'v2-final!' that is not a PEP 440 version"):
        match(Package("demo", "1.0"), [advisory(entry)])


def test_parse_advisory_reads_the_osv_fields_and_rejects_what_it_cannot_use():
    record = {
        "id": "PYSEC-2099-1",
        "details": "Demo before 2.0 lets anyone in. More details follow.",
        "aliases": ["CVE-2099-1"],
        "affected": [
            {
                "package": {"name": "Demo_Pkg", "ecosystem": "PyPI"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}],
            },
            {"package": {"name": "demo-pkg", "ecosystem": "npm"}, "versions": ["1.0"]},
        ],
    }
    parsed = parse_advisory(record, "x.yaml")
    assert parsed.summary == "Demo before 2.0 lets anyone in."
    assert [entry.package for entry in parsed.affected] == ["demo-pkg"]
    assert parsed.affected[0].ranges[0].events == (("introduced", "0"), ("fixed", "2.0"))
    with pytest.raises(AdvisoryError, match="not an OSV record"):
        parse_advisory(["id"], "y.yaml")
    with pytest.raises(AdvisoryError, match="malformed `affected` in PYSEC-2099-2"):
        parse_advisory({"id": "PYSEC-2099-2", "affected": [{"package": {}}]}, "z.yaml")


def test_first_sentence_keeps_messages_to_one_line():
    assert first_sentence("One line.\nTwo lines. Three") == "One line."
    assert first_sentence("x" * 300).endswith("…")
    assert len(first_sentence("x" * 300)) == 200


RECORD = """\
id: {id}
details: {package} is vulnerable.
aliases:
- CVE-{id}
affected:
- package:
    name: {package}
    ecosystem: PyPI
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: '0'
    - fixed: '2.0'
modified: {modified}
"""


def write_db(root: Path, records: dict[str, list[tuple[str, str, str]]]) -> Path:
    for folder, entries in records.items():
        (root / "vulns" / folder).mkdir(parents=True)
        for record_id, package, modified in entries:
            text = RECORD.format(id=record_id, package=package, modified=modified)
            (root / "vulns" / folder / f"{record_id}.yaml").write_text(text)
    return root


def test_the_directory_reads_only_the_folder_of_the_package_asked_about(tmp_path: Path):
    db = AdvisoryDirectory(
        write_db(
            tmp_path,
            {
                "Demo.Pkg": [("PYSEC-1", "demo.pkg", "'2024-01-02T03:04:05Z'")],
                "other": [("PYSEC-2", "other", '"2024-10-10T17:22:00.587279Z"'), ("PYSEC-3", "other", "2023-01-01")],
            },
        )
    )
    assert [a.id for a in db.advisories("demo_pkg")] == ["PYSEC-1"]
    assert db.files_read == 1
    assert db.advisories("not-there") == []
    dated = db.dated()
    assert dated.date == "2024-10-10"
    assert (dated.files, dated.undated) == (3, 0)
    assert "newest `modified` timestamp (2024-10-10T17:22:00.587279+00:00) among its 3 advisory files" in (
        dated.describe()
    )


def test_a_directory_without_vulns_or_with_a_broken_record_is_an_error(tmp_path: Path):
    with pytest.raises(AdvisoryError, match="has no vulns/ folder"):
        AdvisoryDirectory(tmp_path)
    (tmp_path / "vulns" / "demo").mkdir(parents=True)
    (tmp_path / "vulns" / "demo" / "PYSEC-1.yaml").write_text("id: [unclosed\n")
    db = AdvisoryDirectory(tmp_path)
    with pytest.raises(AdvisoryError, match=r"cannot read .*PYSEC-1\.yaml"):
        db.advisories("demo")
    assert db.dated().date == "unknown"
    assert "none of its 1 advisory files has a readable `modified` timestamp" in db.dated().describe()


@pytest.mark.parametrize(
    ("package", "version", "expected"),
    [
        ("jinja2", "2.10", {"PYSEC-2019-217", "PYSEC-2021-66"}),
        ("Jinja2", "3.1.4", set()),
        ("requests", "2.19.0", {"PYSEC-2018-28", "PYSEC-2023-74"}),
        ("PyYAML", "5.3", {"PYSEC-2020-96", "PYSEC-2021-142"}),
        ("py", "1.11.0", {"PYSEC-2022-42969"}),  # last_affected
        ("redis", "2.10.6", set()),  # PYSEC-2023-73 is withdrawn
    ],
)
def test_known_records_of_the_shared_database(package: str, version: str, expected: set[str]):
    db = AdvisoryDirectory(shared_advisory_db())
    assert {found.id for found in match(Package(package, version), db.advisories(package))} == expected


def test_the_shared_database_is_dated_by_its_newest_record():
    assert AdvisoryDirectory(shared_advisory_db()).dated().date == "2024-10-10"


def test_installed_packages_come_from_this_interpreter():
    found = {package.key: package for package in installed_packages()}
    assert "packaging" in found
    assert found["sentia"].editable


def test_requirement_pins_follow_includes_and_report_what_cannot_be_matched(tmp_path: Path):
    (tmp_path / "base.txt").write_text("requests==2.19.0 --hash=sha256:abc \\\n    --hash=sha256:def\n")
    (tmp_path / "requirements.txt").write_text(
        "# pinned\n"
        "-r base.txt\n"
        "--index-url https://example.invalid/simple\n"
        "Jinja2==2.10  # templating\n"
        "pyyaml>=5.3\n"
        "demo @ https://example.invalid/demo.whl\n"
        "winonly==1.0; sys_platform == 'nonexistent-os'\n"
        "-e .\n"
        "not a requirement ===\n"
    )
    packages, unaudited = pinned_requirements([tmp_path / "requirements.txt", tmp_path / "missing.txt"])
    assert [(p.name, p.version) for p in packages] == [("Jinja2", "2.10"), ("requests", "2.19.0")]
    reasons = {item.name: item.reason for item in unaudited}
    assert "not pinned to one version" in reasons["pyyaml"]
    assert "https://example.invalid/demo.whl" in reasons["demo"]
    assert "an editable requirement" in reasons[str(tmp_path.resolve())]
    assert "not a valid requirement" in reasons["not a requirement ==="]
    assert "cannot read the requirement file" in reasons[str(tmp_path / "missing.txt")]
    assert "winonly" not in reasons
