"""Offline OSV matching: packages and their versions against a local OSV advisory directory.

The directory is laid out like PyPA's advisory database: `vulns/<package>/<ID>.yaml`, one OSV record per file. Only
the folders of the packages asked about are read. Ranges are evaluated as the OSV schema describes: the events of an
ECOSYSTEM range are sorted by version, `introduced` opens it, `fixed` closes it before that version and
`last_affected` after it; a version in the record's explicit `versions` list is affected too. Withdrawn records are
skipped. Anything that cannot be compared (a version that is not PEP 440, a record that does not parse) makes the
package "not audited" (`Unauditable`), never safe.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ECOSYSTEM = "PyPI"
RANGE_TYPES = ("ECOSYSTEM", "SEMVER")
"""Range types compared as PEP 440 versions; GIT ranges (commit hashes) say nothing about a release."""


class AdvisoryError(Exception):
    """The advisory directory, or one of its records, cannot be used."""


class Unauditable(Exception):
    """A package whose version cannot be compared with its advisories; the message says why."""


@dataclass(frozen=True)
class Package:
    """A distribution to audit: its name as published, its version, and whether it is an editable install."""

    name: str
    version: str
    editable: bool = False
    location: str | None = None
    """Where an editable install's source lives (from direct_url.json), or a requirement file's path."""

    @property
    def key(self) -> str:
        return canonicalize_name(self.name)


@dataclass(frozen=True)
class NotAudited:
    name: str
    """The distribution's name; for an editable requirement, the path it installs from when that exists."""
    version: str | None
    reason: str
    editable: bool = False


@dataclass(frozen=True)
class Vulnerability:
    id: str
    aliases: tuple[str, ...]
    package: str
    version: str
    fixed_versions: tuple[str, ...]
    summary: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "aliases": list(self.aliases),
            "package": self.package,
            "version": self.version,
            "fixed_versions": list(self.fixed_versions),
            "summary": self.summary,
            "source": self.source,
        }


@dataclass(frozen=True)
class Range:
    type: str
    events: tuple[tuple[str, str], ...]
    """(kind, version) pairs in the record's order: kind is introduced, fixed, last_affected or limit."""


@dataclass(frozen=True)
class Affected:
    package: str
    """The PEP 503 normalised name."""
    ranges: tuple[Range, ...] = ()
    versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    summary: str
    affected: tuple[Affected, ...]
    withdrawn: str | None = None
    path: str = ""


@dataclass(frozen=True)
class DatabaseDate:
    """How old the database is: the newest `modified` timestamp among its records."""

    newest: datetime | None
    files: int
    undated: int

    @property
    def date(self) -> str:
        return self.newest.date().isoformat() if self.newest else "unknown"

    def describe(self) -> str:
        if self.newest is None:
            return f"none of its {self.files} advisory files has a readable `modified` timestamp"
        basis = f"the newest `modified` timestamp ({self.newest.isoformat()}) among its {self.files} advisory files"
        if self.undated:
            basis += f", {self.undated} of them without one"
        return basis


# Affected-range evaluation ------------------------------------------------------------------------------------


def _bound(advisory: Advisory, value: str) -> Version:
    try:
        return Version(value)
    except InvalidVersion:
        raise Unauditable(
            f"advisory {advisory.id} ({advisory.path}) has a range bound {value!r} that is not a PEP 440 version"
        ) from None


def range_affects(advisory: Advisory, events: Sequence[tuple[str, str]], version: Version) -> bool:
    """Whether `version` lies in one OSV range (the schema's evaluation algorithm); `introduced: "0"` is the start."""
    ordered: list[tuple[int, Version, str]] = []
    for kind, value in events:
        if kind == "introduced" and value == "0":
            ordered.append((0, Version("0"), kind))  # before every version, pre-releases of 0 included
        elif kind in ("introduced", "fixed", "last_affected"):
            ordered.append((1, _bound(advisory, value), kind))
    ordered.sort(key=lambda event: (event[0], event[1]))
    vulnerable = False
    for from_start, bound, kind in ordered:
        if kind == "introduced":
            vulnerable = vulnerable or from_start == 0 or version >= bound
        elif version >= bound if kind == "fixed" else version > bound:
            vulnerable = False
    return vulnerable


def _listed(version: Version, raw: str, listed: Iterable[str]) -> bool:
    for candidate in listed:
        if candidate == raw:
            return True
        try:
            if Version(candidate) == version:
                return True
        except InvalidVersion:
            continue
    return False


def affects(advisory: Advisory, package: str, version: Version, raw: str) -> bool:
    """Whether `advisory` affects `package` (normalised) at `version`; `raw` is the version as installed."""
    for affected in advisory.affected:
        if affected.package != package:
            continue
        if _listed(version, raw, affected.versions):
            return True
        for each in affected.ranges:
            if each.type in RANGE_TYPES and range_affects(advisory, each.events, version):
                return True
    return False


def fixed_versions(advisory: Advisory, package: str) -> tuple[str, ...]:
    fixed = {
        value
        for affected in advisory.affected
        if affected.package == package
        for each in affected.ranges
        if each.type in RANGE_TYPES
        for kind, value in each.events
        if kind == "fixed"
    }
    return tuple(sorted(fixed, key=_sort_key))


def _sort_key(value: str) -> tuple[int, Version | str]:
    try:
        return (0, Version(value))
    except InvalidVersion:
        return (1, value)


def match(package: Package, advisories: Iterable[Advisory], *, source: str = "osv-directory") -> list[Vulnerability]:
    """The advisories that affect `package`. Raises Unauditable when its version cannot be compared with them."""
    key = package.key
    relevant = [
        advisory
        for advisory in advisories
        if advisory.withdrawn is None and any(affected.package == key for affected in advisory.affected)
    ]
    if not relevant:
        return []
    try:
        version = Version(package.version)
    except InvalidVersion:
        raise Unauditable(
            f"version {package.version!r} is not a PEP 440 version, so it cannot be compared with the "
            f"{len(relevant)} advisories for {package.name}"
        ) from None
    return [
        Vulnerability(
            id=advisory.id,
            aliases=advisory.aliases,
            package=package.name,
            version=package.version,
            fixed_versions=fixed_versions(advisory, key),
            summary=advisory.summary,
            source=source,
        )
        for advisory in relevant
        if affects(advisory, key, version, package.version)
    ]


# Reading the database -----------------------------------------------------------------------------------------


def parse_advisory(data: Any, path: str = "") -> Advisory:
    """An OSV record (as loaded from YAML or JSON); AdvisoryError when it lacks what matching needs."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise AdvisoryError(f"{path}: not an OSV record (no id)")
    try:
        affected = tuple(
            Affected(
                package=canonicalize_name(str(entry["package"]["name"])),
                ranges=tuple(
                    Range(
                        type=str(each["type"]),
                        events=tuple(
                            (str(kind), str(value)) for event in each["events"] for kind, value in event.items()
                        ),
                    )
                    for each in entry.get("ranges") or []
                ),
                versions=tuple(str(version) for version in entry.get("versions") or []),
            )
            for entry in data.get("affected") or []
            if entry.get("package", {}).get("ecosystem", ECOSYSTEM) == ECOSYSTEM
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise AdvisoryError(f"{path}: malformed `affected` in {data['id']}: {type(error).__name__}: {error}") from None
    withdrawn = data.get("withdrawn")
    summary = first_sentence(str(data.get("summary") or data.get("details") or ""))
    return Advisory(
        id=data["id"],
        aliases=tuple(str(alias) for alias in data.get("aliases") or []),
        summary=summary,
        affected=affected,
        withdrawn=str(withdrawn) if withdrawn else None,
        path=path,
    )


def _load_yaml(text: str) -> Any:
    """libyaml's safe loader when PyYAML was built with it: parsing thousands of records in pure Python is slow."""
    if yaml.__with_libyaml__:
        return yaml.load(text, Loader=yaml.CSafeLoader)
    return yaml.safe_load(text)


def first_sentence(text: str, limit: int = 200) -> str:
    """The first sentence of an advisory's text, for one-line messages."""
    sentence = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


_MODIFIED = re.compile(r"^modified:\s*['\"]?([^'\"\s]+)", re.MULTILINE)


class AdvisoryDirectory:
    """A local OSV advisory directory; reads a package's folder only when that package is asked about."""

    def __init__(self, root: Path) -> None:
        self.root = root
        vulns = root / "vulns"
        if not vulns.is_dir():
            raise AdvisoryError(f"{root} is not an OSV advisory directory: it has no vulns/ folder")
        self._folders: dict[str, list[Path]] = {}
        for folder in sorted(vulns.iterdir()):
            if folder.is_dir():
                self._folders.setdefault(canonicalize_name(folder.name), []).append(folder)
        self._cache: dict[str, list[Advisory]] = {}
        self.files_read = 0

    def advisories(self, name: str) -> list[Advisory]:
        """Every record filed under the package's folder (folder names are compared PEP 503-normalised)."""
        key = canonicalize_name(name)
        if key not in self._cache:
            records = []
            for folder in self._folders.get(key, []):
                for path in sorted(folder.iterdir()):
                    if path.suffix not in (".yaml", ".yml", ".json"):
                        continue
                    self.files_read += 1
                    try:
                        data = _load_yaml(path.read_text(encoding="utf-8"))
                    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
                        raise AdvisoryError(f"cannot read {path}: {type(error).__name__}: {error}") from None
                    records.append(parse_advisory(data, str(path)))
            self._cache[key] = records
        return self._cache[key]

    def dated(self) -> DatabaseDate:
        """The newest `modified` timestamp of any record: the database knows nothing published after it."""
        newest: datetime | None = None
        files = undated = 0
        for path in (self.root / "vulns").glob("*/*"):
            if path.suffix not in (".yaml", ".yml", ".json"):
                continue
            files += 1
            text = path.read_text(encoding="utf-8", errors="replace")
            found = _MODIFIED.search(text) or re.search(r'"modified":\s*"([^"]+)"', text)
            stamp = _timestamp(found.group(1)) if found else None
            if stamp is None:
                undated += 1
            elif newest is None or stamp > newest:
                newest = stamp
        return DatabaseDate(newest, files, undated)


def _timestamp(value: str) -> datetime | None:
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


# What to audit ------------------------------------------------------------------------------------------------


def installed_packages() -> list[Package]:
    """The distributions importable by this interpreter, first on sys.path winning, as importlib.metadata sees them."""
    found: dict[str, Package] = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if not name:
            continue
        editable, location = _editable(dist)
        key = canonicalize_name(name)
        if key in found:
            if editable and not found[key].editable:  # a stray egg-info ahead of an editable install's metadata
                found[key] = Package(found[key].name, found[key].version, True, location)
            continue
        found[key] = Package(name, dist.version, editable, location)
    return sorted(found.values(), key=lambda package: package.key)


def _editable(dist: importlib.metadata.Distribution) -> tuple[bool, str | None]:
    text = dist.read_text("direct_url.json")
    if not text:
        return False, None
    try:
        direct = json.loads(text)
    except json.JSONDecodeError:
        return False, None
    if not isinstance(direct, dict) or not direct.get("dir_info", {}).get("editable"):
        return False, None
    url = urlparse(str(direct.get("url", "")))
    return True, unquote(url.path) if url.scheme == "file" else None


_OPTION = re.compile(r"\s+--?[A-Za-z]")


def pinned_requirements(files: Sequence[Path]) -> tuple[list[Package], list[NotAudited]]:
    """The `name==version` pins of requirement files (following -r includes). A requirement that is not pinned to
    one version, a URL or an editable one cannot be matched offline and is returned as not audited."""
    packages: dict[str, Package] = {}
    unaudited: list[NotAudited] = []
    seen: set[Path] = set()

    def read(path: Path) -> None:
        if path.resolve() in seen:
            return
        seen.add(path.resolve())
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            unaudited.append(NotAudited(str(path), None, f"cannot read the requirement file: {error.strerror}"))
            return
        for number, line in _logical_lines(text):
            where = f"{path}:{number}"
            option, _, value = line.split()[0].partition("=")
            argument = value or (line.split()[1] if len(line.split()) > 1 else "")
            if option in ("-r", "--requirement") or (option.startswith("-r") and not option.startswith("--")):
                read(path.parent / (argument if option in ("-r", "--requirement") else option[2:]))
            elif option in ("-e", "--editable"):
                local = path.parent / argument
                target = str(local.resolve()) if local.exists() else argument
                unaudited.append(
                    NotAudited(target, None, f"an editable requirement ({where}) has no release to match", True)
                )
            elif line.startswith("-"):
                continue  # index, constraint and other pip options
            else:
                _pin(_OPTION.split(line, maxsplit=1)[0], where, packages, unaudited)

    for file in files:
        read(file)
    return sorted(packages.values(), key=lambda package: package.key), unaudited


def _pin(line: str, where: str, packages: dict[str, Package], unaudited: list[NotAudited]) -> None:
    try:
        requirement = Requirement(line)
    except InvalidRequirement as error:
        unaudited.append(NotAudited(line, None, f"not a valid requirement ({where}): {error}"))
        return
    if requirement.marker is not None and not requirement.marker.evaluate():
        return
    pins = [spec for spec in requirement.specifier if spec.operator in ("==", "===") and "*" not in spec.version]
    if requirement.url or len(pins) != 1:
        what = requirement.url or str(requirement.specifier) or "no version"
        unaudited.append(NotAudited(requirement.name, None, f"not pinned to one version ({where}: {what})"))
        return
    packages[canonicalize_name(requirement.name)] = Package(requirement.name, pins[0].version, location=where)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Lines without comments, joined across backslash continuations, with the number of their first line."""
    lines: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined = (pending + line).strip()
        pending = ""
        if joined:
            lines.append((start, joined))
    if pending.strip():
        lines.append((start, pending.strip()))
    return lines
