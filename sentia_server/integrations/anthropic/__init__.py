"""Anthropic through the official SDK: the Messages API, with structured answers through tool use."""

from sentia_server.integrations.anthropic.client import AnthropicClient, ToolAnswer

__all__ = ["AnthropicClient", "ToolAnswer"]
