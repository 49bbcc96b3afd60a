"""Stateful simulators of the vendor APIs, usable in process (an httpx transport) or as a local HTTP server."""

from sentia_testkit.simulators.core import Fault, FaultInjector, Simulator, SimulatorRequest, json_response

__all__ = ["Fault", "FaultInjector", "Simulator", "SimulatorRequest", "json_response"]
