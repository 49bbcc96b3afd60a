"""Marketplace names map to Amazon's IDs, and a marketplace outside the configured region is refused."""

from __future__ import annotations

import pytest

from sentia_server.integrations.amazon.marketplaces import (
    ADS_API_ENDPOINTS,
    MARKETPLACES,
    SP_API_ENDPOINTS,
    Marketplace,
    marketplace_in_region,
)
from sentia_server.integrations.http import VendorError


@pytest.mark.parametrize(
    ("marketplace", "marketplace_id", "region", "currency"),
    [
        (Marketplace.UK, "A1F83G8C2ARO7P", "eu", "GBP"),
        (Marketplace.US, "ATVPDKIKX0DER", "na", "USD"),
        (Marketplace.DE, "A1PA6795UKMFR9", "eu", "EUR"),
        (Marketplace.CA, "A2EUQ1WTGCTBG2", "na", "CAD"),
    ],
)
def test_marketplaces_map_to_amazons_ids(marketplace, marketplace_id, region, currency):
    info = marketplace_in_region("amazon", marketplace, region)
    assert (info.id, info.region, info.currency) == (marketplace_id, region, currency)
    assert MARKETPLACES[marketplace] is info


def test_regional_endpoints_are_amazons():
    assert SP_API_ENDPOINTS == {
        "na": "https://sellingpartnerapi-na.amazon.com",
        "eu": "https://sellingpartnerapi-eu.amazon.com",
        "fe": "https://sellingpartnerapi-fe.amazon.com",
    }
    assert ADS_API_ENDPOINTS["eu"] == "https://advertising-api-eu.amazon.com"
    assert ADS_API_ENDPOINTS["na"] == "https://advertising-api.amazon.com"


def test_a_marketplace_of_another_region_is_a_clear_error():
    with pytest.raises(VendorError) as raised:
        marketplace_in_region("amazon", Marketplace.CA, "fe")
    assert str(raised.value) == (
        "amazon: marketplace ca (A2EUQ1WTGCTBG2) is in the na region, but the configured region is fe; "
        "use one of: none; or configure the na region's credentials"
    )
