"""The shared machinery of the AI tools: the model vendors on the server's HTTP layer, structured answers with one
retry, usage and cost recording, and the figures (computed in Python) that the answers are about."""
