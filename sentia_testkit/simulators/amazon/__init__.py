"""Simulators of Amazon's Selling Partner API and Amazon Ads API, each with its own Login with Amazon token
endpoint, seeded from fixtures/amazon/.

In process: `httpx.AsyncClient(transport=SellingPartnerSimulator().transport())`. As a server:
`SimulatorApp({"amazon": SellingPartnerSimulator(public_url=".../amazon"), "amazon_ads": AdsSimulator(...)})`.
"""

from sentia_testkit.simulators.amazon.ads_routes import AdsSimulator
from sentia_testkit.simulators.amazon.routes import SellingPartnerSimulator

__all__ = ["AdsSimulator", "SellingPartnerSimulator"]
