"""The plugin's simulator fixtures, as a test file of another repository sees them."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_each_fixture_gives_a_fresh_simulator_with_faults(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import httpx

        FIXTURES = ("xero", "shopify", "amazon", "amazon_ads", "unleashed")

        def test_fixtures(request):
            names = {type(request.getfixturevalue(f"{name}_simulator")).__name__ for name in FIXTURES}
            assert names == {
                "XeroSimulator", "ShopifySimulator", "SellingPartnerSimulator", "AdsSimulator", "UnleashedSimulator"
            }
            shopify_simulator = request.getfixturevalue("shopify_simulator")
            shopify_simulator.faults.server_error(status=502)
            client = httpx.Client(transport=shopify_simulator.transport(), base_url="https://sentia-uk.myshopify.com")
            answer = client.post("/admin/api/2026-10/graphql.json", json={"query": "{ shop { name } }"})
            assert answer.status_code == 502

        def test_state_does_not_leak_between_tests(shopify_simulator):
            assert shopify_simulator.faults.pending() == 0
            assert shopify_simulator.requests == []
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)
