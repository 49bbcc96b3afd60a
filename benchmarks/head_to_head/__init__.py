"""Head-to-head throughput: a bare MCP SDK echo server against the full Sentia server, same uvicorn, same client.

Run it with `make head-to-head` or `python -m benchmarks.head_to_head --help`; the report goes to
reports/head_to_head.json.
"""
