from __future__ import annotations

from pathlib import Path

from support.projects import write_project

from sentia_testkit.gates.escape_hatches import scan


def test_counts_comments_only_and_locates_each(tmp_path: Path):
    write_project(
        tmp_path,
        {
            "app/a.py": """
                import os  # noqa: F401
                x = eval("1")  # nosec B307
                y: int = "s"  # type: ignore[assignment]
                if x:  # pragma: no cover
                    pass
                TEXT = "a string that says # noqa and # type: ignore"
            """,
            "app/b.py": "z = 1  # NOQA\n",
            "other/c.py": "w = 1  # noqa\n",
            "app/.hidden/d.py": "v = 1  # noqa\n",
            "app/broken.py": "def (:\n",
        },
    )
    hatches = scan(tmp_path, ["app"])
    assert hatches.counts == {"pragma: no cover": 1, "nosec": 1, "noqa": 2, "type: ignore": 1}
    assert hatches.locations["noqa"] == ["app/a.py:2", "app/b.py:1"]
    assert hatches.locations["nosec"] == ["app/a.py:3"]


def test_single_files_and_whole_tree(tmp_path: Path):
    write_project(tmp_path, {"one.py": "a = 1  # noqa\n", "pkg/two.py": "b = 2  # type: ignore\n"})
    assert scan(tmp_path, ["one.py"]).counts["noqa"] == 1
    everything = scan(tmp_path, [])
    assert (everything.counts["noqa"], everything.counts["type: ignore"]) == (1, 1)
