"""Pure computations over a business's own figures: receivables ageing, financial ratios, the cash conversion
cycle, monthly trends and forecasts. Functions of numbers and dates only, with no I/O, shared by every tool
that needs them."""
