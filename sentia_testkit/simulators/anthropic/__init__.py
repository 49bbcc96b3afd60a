"""A stateful simulator of the Anthropic API (see simulator.py)."""

from sentia_testkit.simulators.anthropic.backend import AnthropicBackend, ApiKey, QueuedMessage
from sentia_testkit.simulators.anthropic.simulator import API_KEY, WORKSPACE, AnthropicSimulator
from sentia_testkit.simulators.model_api import ModelUsage

__all__ = ["API_KEY", "WORKSPACE", "AnthropicBackend", "AnthropicSimulator", "ApiKey", "ModelUsage", "QueuedMessage"]
