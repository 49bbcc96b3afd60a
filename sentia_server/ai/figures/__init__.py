"""The figures the AI tools report: pure computations from the data a caller passes or the server fetches (sales,
statements, inventory, KPIs, statistics, processes, prices, feedback). Numbers in, numbers out, no I/O; the models
only ever write words about them."""
