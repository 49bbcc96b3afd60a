"""Every vendor simulator behind one local HTTP server, and the settings that point the Sentia server at it.

`sentia-testkit simulate -- sentia-server dev` (what `make run` does) serves the simulators and runs the server
with those settings, so the whole local stack works offline. The credentials below are the ones the simulators'
seed data accepts; they are not secrets of any real account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sentia_testkit.simulators.core import Simulator
from sentia_testkit.simulators.server import SimulatorApp


@dataclass(frozen=True)
class SimulatedVendor:
    """One mount of the local simulator server: how to build its simulator, and the settings that reach it."""

    mount: str
    build: Callable[[str], Simulator]
    """Builds the simulator given the public URL of its mount (some answers carry absolute URLs)."""
    settings: Callable[[str], dict[str, str]]
    """SENTIA_* settings pointing the server at the mount's URL."""


def _amazon() -> list[SimulatedVendor]:
    from sentia_testkit.simulators.amazon import AdsSimulator, SellingPartnerSimulator

    return [
        SimulatedVendor(
            "amazon",
            lambda url: SellingPartnerSimulator(public_url=url),
            lambda url: {
                "SENTIA_AMAZON__LWA_CLIENT_ID": "amzn1.application-oa2-client.5e7a1c0d9b3f4e2a8c6d0f1b2a3c4d5e",
                "SENTIA_AMAZON__LWA_CLIENT_SECRET": "amzn1.oa2-cs.v1.sentia-simulator-secret",
                "SENTIA_AMAZON__REFRESH_TOKEN": "Atzr|IwEBISentiaSimulatorSellerRefreshToken",
                "SENTIA_AMAZON__SELLER_ID": "A3SENTIA7DRNKS",
                "SENTIA_AMAZON__REGION": "eu",
                "SENTIA_AMAZON__ENDPOINT_URL": url,
                "SENTIA_AMAZON__LWA_URL": f"{url}/auth/o2/token",
            },
        ),
        SimulatedVendor(
            "amazon_ads",
            lambda url: AdsSimulator(public_url=url),
            lambda url: {
                "SENTIA_AMAZON_ADS__CLIENT_ID": "amzn1.application-oa2-client.ads0c4f1d9e2b7a6f3c8e5d4b1a0f9e8d",
                "SENTIA_AMAZON_ADS__CLIENT_SECRET": "amzn1.oa2-cs.v1.sentia-ads-simulator-secret",
                "SENTIA_AMAZON_ADS__REFRESH_TOKEN": "Atzr|IwEBISentiaSimulatorAdsRefreshToken",
                "SENTIA_AMAZON_ADS__PROFILE_ID": "3574108621539074",
                "SENTIA_AMAZON_ADS__REGION": "eu",
                "SENTIA_AMAZON_ADS__ENDPOINT_URL": url,
                "SENTIA_AMAZON_ADS__LWA_URL": f"{url}/auth/o2/token",
            },
        ),
    ]


def _xero() -> list[SimulatedVendor]:
    from sentia_testkit.simulators.xero import XeroSimulator

    return [SimulatedVendor("xero", lambda url: XeroSimulator(), lambda url: XeroSimulator().server_settings(url))]


def _shopify() -> list[SimulatedVendor]:
    from sentia_testkit.simulators.shopify import ShopifySimulator

    return [
        SimulatedVendor("shopify", lambda url: ShopifySimulator(), lambda url: ShopifySimulator().server_settings(url))
    ]


def _unleashed() -> list[SimulatedVendor]:
    from sentia_testkit.simulators.unleashed import UnleashedSimulator

    return [
        SimulatedVendor(
            "unleashed", lambda url: UnleashedSimulator(), lambda url: UnleashedSimulator().server_settings(url)
        )
    ]


def _ai_models() -> list[SimulatedVendor]:
    from sentia_testkit.simulators.anthropic import AnthropicSimulator
    from sentia_testkit.simulators.openai import OpenAISimulator

    return [
        SimulatedVendor("openai", lambda url: OpenAISimulator(), lambda url: OpenAISimulator().server_settings(url)),
        SimulatedVendor(
            "anthropic", lambda url: AnthropicSimulator(), lambda url: AnthropicSimulator().server_settings(url)
        ),
    ]


VENDORS: tuple[Callable[[], list[SimulatedVendor]], ...] = (_xero, _shopify, _amazon, _unleashed, _ai_models)


def simulated_vendors() -> list[SimulatedVendor]:
    return [vendor for group in VENDORS for vendor in group()]


def local_stack(base_url: str) -> tuple[SimulatorApp, dict[str, str]]:
    """The app serving every simulator under `base_url`, and the settings that point the server at them."""
    base = base_url.rstrip("/")
    simulators: dict[str, Simulator] = {}
    settings: dict[str, str] = {}
    for vendor in simulated_vendors():
        url = f"{base}/{vendor.mount}"
        simulators[vendor.mount] = vendor.build(url)
        settings.update(vendor.settings(url))
    return SimulatorApp(simulators), settings
