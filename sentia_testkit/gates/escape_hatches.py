"""Counts every inline way to silence a check: `pragma: no cover`, `nosec`, `noqa`, `type: ignore`."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from sentia_testkit.gates.model import EscapeHatches

PATTERNS = {
    "pragma: no cover": re.compile(r"pragma:\s*no\s*(branch|cover)", re.IGNORECASE),
    "nosec": re.compile(r"#\s*nosec\b", re.IGNORECASE),
    "noqa": re.compile(r"#\s*noqa\b", re.IGNORECASE),
    "type: ignore": re.compile(r"#\s*type:\s*ignore\b"),
}


def scan(root: Path, paths: list[str]) -> EscapeHatches:
    """Look only at comments (tokenized), so a string that mentions `noqa` is not counted."""
    hatches = EscapeHatches(counts=dict.fromkeys(PATTERNS, 0))
    for path in _python_files(root, paths):
        relative = path.relative_to(root)
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))
        except (SyntaxError, tokenize.TokenError, UnicodeDecodeError):
            continue  # unparseable files are the security gate's finding
        for token in tokens:
            if token.type != tokenize.COMMENT:
                continue
            for kind, pattern in PATTERNS.items():
                if pattern.search(token.string):
                    hatches.add(kind, f"{relative}:{token.start[0]}")
    return hatches


def _python_files(root: Path, paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for entry in paths or ["."]:
        target = root / entry
        if target.is_file() and target.suffix == ".py":
            files.append(target)
        elif target.is_dir():
            files.extend(
                path for path in sorted(target.rglob("*.py")) if not any(p.startswith(".") for p in path.parts)
            )
    return files
