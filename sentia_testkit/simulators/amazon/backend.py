"""The Selling Partner API's state: per seller, per marketplace orders with items, FBA inventory, catalog items and
listings, seeded from fixtures/amazon/selling_partner.json. Dates in the seed are offsets from the moment the
backend is built, so "the last 30 days" always has orders in it."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

SALES_CHANNELS = {"A1F83G8C2ARO7P": "Amazon.co.uk", "A1PA6795UKMFR9": "Amazon.de", "ATVPDKIKX0DER": "Amazon.com"}
LANGUAGE_TAGS = {"A1F83G8C2ARO7P": "en_GB", "A1PA6795UKMFR9": "de_DE", "ATVPDKIKX0DER": "en_US"}
FBA_CHANNEL_CODES = {"A1F83G8C2ARO7P": "AMAZON_EU", "A1PA6795UKMFR9": "AMAZON_EU", "ATVPDKIKX0DER": "AMAZON_NA"}
CENT = Decimal("0.01")


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def money(currency: str, amount: Decimal) -> dict[str, str]:
    return {"CurrencyCode": currency, "Amount": str(amount.quantize(CENT))}


@dataclass
class Listing:
    sku: str
    marketplace_id: str
    product_type: str
    attributes: dict[str, Any]
    created: datetime
    updated: datetime
    asin: str | None = None
    fnsku: str | None = None


@dataclass
class Seller:
    seller_id: str
    data: dict[str, Any]
    orders: list[dict[str, Any]] = field(default_factory=list)
    order_items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    inventory: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    listings: dict[tuple[str, str], Listing] = field(default_factory=dict)

    @property
    def catalog(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.data["catalog"]
        return items

    def product(self, sku: str) -> dict[str, Any] | None:
        return next((item for item in self.catalog if item["sku"] == sku), None)

    def product_by_asin(self, asin: str) -> dict[str, Any] | None:
        return next((item for item in self.catalog if item["asin"] == asin), None)


class SellingPartnerBackend:
    """State of every seller; `reset()` rebuilds it from the seed."""

    def __init__(self, seed: dict[str, Any], clock: Callable[[], datetime]) -> None:
        self._seed = seed
        self._clock = clock
        self.sellers: dict[str, Seller] = {}
        self.anchor = clock()
        self._ids = itertools.count(1)
        self.reset()

    def reset(self) -> None:
        self.anchor = self._clock().replace(microsecond=0)
        self.sellers = {seller_id: self._build(seller_id, data) for seller_id, data in self._seed["sellers"].items()}

    def next_id(self) -> int:
        return next(self._ids)

    def anchor_now(self) -> datetime:
        """The simulator's present moment, to the second."""
        return self._clock().replace(microsecond=0)

    def seller(self, seller_id: str) -> Seller:
        return self.sellers[seller_id]

    # Seeding ------------------------------------------------------------------------------------------------

    def _build(self, seller_id: str, data: dict[str, Any]) -> Seller:
        seller = Seller(seller_id, data)
        for entry in data["orders"]:
            order, items = self._order(seller, entry)
            seller.orders.append(order)
            seller.order_items[order["AmazonOrderId"]] = items
        for marketplace_id, rows in data["inventory"].items():
            seller.inventory[marketplace_id] = [self._inventory(seller, marketplace_id, row) for row in rows]
        for product in data["catalog"]:
            for marketplace_id in product["prices"]:
                seller.listings[(product["sku"], marketplace_id)] = self._listing(seller, product, marketplace_id)
        return seller

    def _order(self, seller: Seller, entry: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        marketplace_id = entry["marketplace"]
        currency = seller.data["currencies"][marketplace_id]
        vat = Decimal(seller.data["vat_rates"][marketplace_id])
        purchased = self.anchor - timedelta(hours=entry["hours_ago"])
        status = entry["status"]
        priced = status != "Pending"  # Amazon shows no prices on pending orders
        items: list[dict[str, Any]] = []
        total = Decimal(0)
        shipped_units = unshipped_units = 0
        for index, line in enumerate(entry["items"]):
            product = seller.product(line["sku"])
            if product is None:
                raise ValueError(f"seed order {entry['id']} names unknown SKU {line['sku']}")
            quantity = line["quantity"]
            shipped = quantity if status == "Shipped" else 0
            shipped_units += shipped
            unshipped_units += quantity - shipped if status in ("Unshipped", "PartiallyShipped") else 0
            item: dict[str, Any] = {
                "ASIN": product["asin"],
                "SellerSKU": product["sku"],
                "OrderItemId": f"{int(entry['id'].replace('-', '')[-12:]) + index:014d}",
                "Title": product["title"],
                "QuantityOrdered": quantity,
                "QuantityShipped": shipped,
                "ProductInfo": {"NumberOfItems": "1"},
                "IsGift": "false",
                "ConditionId": "New",
                "ConditionSubtypeId": "New",
                "IsTransparency": False,
                "SerialNumberRequired": False,
            }
            if priced:
                gross = Decimal(product["prices"][marketplace_id]) * quantity
                tax = (gross - gross / (1 + vat)).quantize(CENT)
                shipping = Decimal(0)
                if index == 0 and not entry["is_prime"]:
                    shipping = Decimal(seller.data["shipping_fees"][marketplace_id])
                item.update(
                    ItemPrice=money(currency, gross),
                    ItemTax=money(currency, tax),
                    ShippingPrice=money(currency, shipping),
                    ShippingTax=money(currency, (shipping - shipping / (1 + vat)).quantize(CENT)),
                    PromotionDiscount=money(currency, Decimal(0)),
                    PromotionDiscountTax=money(currency, Decimal(0)),
                )
                total += gross + shipping
            items.append(item)
        last_update = purchased + timedelta(hours=min(entry["hours_ago"], 26 if status == "Shipped" else 1))
        order: dict[str, Any] = {
            "AmazonOrderId": entry["id"],
            "PurchaseDate": iso(purchased),
            "LastUpdateDate": iso(last_update),
            "OrderStatus": status,
            "FulfillmentChannel": entry["fulfillment_channel"],
            "SalesChannel": SALES_CHANNELS[marketplace_id],
            "ShipServiceLevel": entry["ship_service_level"],
            "NumberOfItemsShipped": shipped_units,
            "NumberOfItemsUnshipped": unshipped_units,
            "PaymentMethod": "Other",
            "PaymentMethodDetails": ["Standard"],
            "MarketplaceId": marketplace_id,
            "ShipmentServiceLevelCategory": entry["ship_service_level"],
            "OrderType": "StandardOrder",
            "EarliestShipDate": iso(purchased + timedelta(days=1)),
            "LatestShipDate": iso(purchased + timedelta(days=2)),
            "IsBusinessOrder": entry["is_business"],
            "IsPrime": entry["is_prime"],
            "IsPremiumOrder": False,
            "IsGlobalExpressEnabled": False,
            "IsReplacementOrder": False,
            "IsSoldByAB": False,
            "IsISPU": False,
            "IsAccessPointOrder": False,
            "ShippingAddress": {
                "City": entry["ship_to"]["city"],
                "StateOrRegion": entry["ship_to"]["region"],
                "PostalCode": entry["ship_to"]["postal_code"],
                "CountryCode": entry["ship_to"]["country"],
            },
        }
        if priced:
            order["OrderTotal"] = money(currency, total)
        return order, items

    def _inventory(self, seller: Seller, marketplace_id: str, row: dict[str, Any]) -> dict[str, Any]:
        product = seller.product(row["sku"]) or {}
        reserved = row["reserved_customer_orders"] + row["reserved_fc_processing"]
        inbound = row["inbound_working"] + row["inbound_shipped"] + row["inbound_receiving"]
        total = row["fulfillable"] + reserved + row["researching"] + row["unfulfillable_damaged"] + inbound
        return {
            "asin": product.get("asin"),
            "fnSku": product.get("fnsku"),
            "sellerSku": row["sku"],
            "condition": "NewItem",
            "inventoryDetails": {
                "fulfillableQuantity": row["fulfillable"],
                "inboundWorkingQuantity": row["inbound_working"],
                "inboundShippedQuantity": row["inbound_shipped"],
                "inboundReceivingQuantity": row["inbound_receiving"],
                "reservedQuantity": {
                    "totalReservedQuantity": reserved,
                    "pendingCustomerOrderQuantity": row["reserved_customer_orders"],
                    "pendingTransshipmentQuantity": 0,
                    "fcProcessingQuantity": row["reserved_fc_processing"],
                },
                "researchingQuantity": {
                    "totalResearchingQuantity": row["researching"],
                    "researchingQuantityBreakdown": [
                        {"name": "researchingQuantityInShortTerm", "quantity": row["researching"]}
                    ],
                },
                "unfulfillableQuantity": {
                    "totalUnfulfillableQuantity": row["unfulfillable_damaged"],
                    "customerDamagedQuantity": 0,
                    "warehouseDamagedQuantity": row["unfulfillable_damaged"],
                    "distributorDamagedQuantity": 0,
                    "carrierDamagedQuantity": 0,
                    "defectiveQuantity": 0,
                    "expiredQuantity": 0,
                },
            },
            "lastUpdatedTime": iso(self.anchor - timedelta(days=row["updated_days_ago"])),
            "productName": product.get("title"),
            "totalQuantity": total,
        }

    def _listing(self, seller: Seller, product: dict[str, Any], marketplace_id: str) -> Listing:
        tag = LANGUAGE_TAGS[marketplace_id]
        attributes: dict[str, Any] = {
            "item_name": [{"value": product["title"], "language_tag": tag, "marketplace_id": marketplace_id}],
            "brand": [{"value": seller.data["brand"], "marketplace_id": marketplace_id}],
            "manufacturer": [{"value": seller.data["manufacturer"], "language_tag": tag}],
            "condition_type": [{"value": "new_new", "marketplace_id": marketplace_id}],
            "externally_assigned_product_identifier": [{"type": "ean", "value": product["ean"]}],
            "purchasable_offer": [
                {
                    "currency": seller.data["currencies"][marketplace_id],
                    "marketplace_id": marketplace_id,
                    "our_price": [{"schedule": [{"value_with_tax": float(product["prices"][marketplace_id])}]}],
                }
            ],
            "fulfillment_availability": [{"fulfillment_channel_code": FBA_CHANNEL_CODES[marketplace_id]}],
        }
        created = self.anchor - timedelta(days=400)
        return Listing(
            product["sku"],
            marketplace_id,
            product["product_type"],
            attributes,
            created,
            created,
            product["asin"],
            product["fnsku"],
        )

    # Reading ------------------------------------------------------------------------------------------------

    @staticmethod
    def listing_item(seller: Seller, listing: Listing, included: list[str]) -> dict[str, Any]:
        """A Listings Items API `Item` with the requested data sets."""
        marketplace_id = listing.marketplace_id
        item: dict[str, Any] = {"sku": listing.sku}
        offers = listing.attributes.get("purchasable_offer", [])
        availability = listing.attributes.get("fulfillment_availability", [])
        buyable = bool(offers) and "item_name" in listing.attributes
        if "summaries" in included:
            names = listing.attributes.get("item_name") or [{}]
            summary: dict[str, Any] = {
                "marketplaceId": marketplace_id,
                "productType": listing.product_type,
                "conditionType": (listing.attributes.get("condition_type") or [{"value": "new_new"}])[0]["value"],
                "status": ["BUYABLE", "DISCOVERABLE"] if buyable else ["DISCOVERABLE"],
                "itemName": names[0].get("value", listing.sku),
                "createdDate": iso(listing.created),
                "lastUpdatedDate": iso(listing.updated),
            }
            if listing.asin:
                summary["asin"] = listing.asin
            if listing.fnsku:
                summary["fnSku"] = listing.fnsku
            item["summaries"] = [summary]
        if "attributes" in included:
            item["attributes"] = listing.attributes
        if "issues" in included:
            item["issues"] = []
        if "offers" in included:
            item["offers"] = [
                {
                    "marketplaceId": marketplace_id,
                    "offerType": "B2C",
                    "price": {"currencyCode": offer.get("currency", ""), "amount": _price_of(offer)},
                }
                for offer in offers
                if _price_of(offer) is not None
            ]
        if "fulfillmentAvailability" in included:
            item["fulfillmentAvailability"] = [
                {
                    "fulfillmentChannelCode": entry.get("fulfillment_channel_code", "DEFAULT"),
                    **({"quantity": entry["quantity"]} if "quantity" in entry else {}),
                }
                for entry in availability
            ]
        if "productTypes" in included:
            item["productTypes"] = [{"marketplaceId": marketplace_id, "productType": listing.product_type}]
        return item

    @staticmethod
    def catalog_item(
        seller: Seller, product: dict[str, Any], marketplace_id: str, included: list[str]
    ) -> dict[str, Any]:
        """A Catalog Items API 2022-04-01 `Item` with the requested data sets."""
        tag = LANGUAGE_TAGS[marketplace_id]
        classification_id, classification_name = product["classification"]
        item: dict[str, Any] = {"asin": product["asin"]}
        if "attributes" in included:
            item["attributes"] = {
                "item_name": [{"value": product["title"], "language_tag": tag, "marketplace_id": marketplace_id}],
                "brand": [{"value": seller.data["brand"], "language_tag": tag, "marketplace_id": marketplace_id}],
                "item_package_weight": [
                    {"unit": "kilograms", "value": product["weight_kg"], "marketplace_id": marketplace_id}
                ],
            }
        if "classifications" in included:
            item["classifications"] = [
                {
                    "marketplaceId": marketplace_id,
                    "classifications": [{"displayName": classification_name, "classificationId": classification_id}],
                }
            ]
        if "dimensions" in included:
            item["dimensions"] = [
                {
                    "marketplaceId": marketplace_id,
                    "package": {"weight": {"unit": "kilograms", "value": product["weight_kg"]}},
                }
            ]
        if "identifiers" in included:
            identifiers = [{"identifierType": "EAN", "identifier": product["ean"]}]
            if "upc" in product:
                identifiers.append({"identifierType": "UPC", "identifier": product["upc"]})
            item["identifiers"] = [{"marketplaceId": marketplace_id, "identifiers": identifiers}]
        if "images" in included:
            item["images"] = [
                {
                    "marketplaceId": marketplace_id,
                    "images": [
                        {
                            "variant": variant,
                            "link": f"https://m.media-amazon.com/images/I/{product['asin']}-{variant}.jpg",
                            "height": 1500,
                            "width": 1500,
                        }
                        for variant in ("MAIN", "PT01")
                    ],
                }
            ]
        if "productTypes" in included:
            item["productTypes"] = [{"marketplaceId": marketplace_id, "productType": product["product_type"]}]
        if "relationships" in included:
            item["relationships"] = [{"marketplaceId": marketplace_id, "relationships": []}]
        if "salesRanks" in included:
            item["salesRanks"] = [
                {
                    "marketplaceId": marketplace_id,
                    "classificationRanks": [
                        {"classificationId": classification_id, "title": classification_name, "rank": product["rank"]}
                    ],
                    "displayGroupRanks": [
                        {
                            "websiteDisplayGroup": "grocery_display_on_website",
                            "title": "Grocery",
                            "rank": product["rank"] * 9,
                        }
                    ],
                }
            ]
        if "summaries" in included:
            item["summaries"] = [
                {
                    "marketplaceId": marketplace_id,
                    "brand": seller.data["brand"],
                    "browseClassification": {"displayName": classification_name, "classificationId": classification_id},
                    "itemClassification": "BASE_PRODUCT",
                    "itemName": product["title"],
                    "manufacturer": seller.data["manufacturer"],
                    "packageQuantity": 1,
                    "size": product["size"],
                    "websiteDisplayGroup": "grocery_display_on_website",
                    "websiteDisplayGroupName": "Grocery",
                }
            ]
        return item


def _price_of(offer: dict[str, Any]) -> str | None:
    """The price in a `purchasable_offer` attribute value, as the Listings API's Decimal string."""
    for price in offer.get("our_price", []):
        for schedule in price.get("schedule", []):
            value = schedule.get("value_with_tax")
            if isinstance(value, int | float | str):
                return str(Decimal(str(value)).quantize(CENT))
    return None
