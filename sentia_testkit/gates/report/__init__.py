"""The run, four ways: a terminal table, Markdown for CI job summaries, JSON, and a self-contained HTML page."""
