"""OpenAI through the official SDK: Chat Completions with Structured Outputs (a strict JSON schema)."""

from sentia_server.integrations.openai.client import ChatAnswer, ChatMessage, OpenAIClient

__all__ = ["ChatAnswer", "ChatMessage", "OpenAIClient"]
