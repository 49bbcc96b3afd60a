"""Output pieces the supplier and customer tools share: addresses and the one-page-or-one-item read."""

from __future__ import annotations

from sentia_server.integrations.unleashed.models import Address
from sentia_server.tools.registry import ToolOutput


class AddressOut(ToolOutput):
    address_type: str | None
    street: str | None
    city: str | None
    region: str | None
    post_code: str | None
    country: str | None


def address_out(address: Address) -> AddressOut:
    street = ", ".join(part for part in (address.street_address, address.street_address2, address.suburb) if part)
    return AddressOut(
        address_type=address.address_type,
        street=street or None,
        city=address.city,
        region=address.region,
        post_code=address.post_code,
        country=address.country,
    )
