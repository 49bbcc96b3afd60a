"""A stateful simulator of the OpenAI API (see simulator.py)."""

from sentia_testkit.simulators.model_api import ModelUsage
from sentia_testkit.simulators.openai.backend import ApiKey, OpenAIBackend, QueuedCompletion
from sentia_testkit.simulators.openai.simulator import API_KEY, ORGANIZATION, PROJECT, OpenAISimulator

__all__ = [
    "API_KEY",
    "ORGANIZATION",
    "PROJECT",
    "ApiKey",
    "ModelUsage",
    "OpenAIBackend",
    "OpenAISimulator",
    "QueuedCompletion",
]
