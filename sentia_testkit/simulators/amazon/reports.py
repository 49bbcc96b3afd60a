"""Reports API 2021-06-30: reports that move IN_QUEUE → IN_PROGRESS → DONE over successive getReport calls, and
GZIP tab-separated documents generated from the seller's state, served from pre-signed URLs that expire after five
minutes. Settlement reports are made by Amazon on its own schedule, so they can be listed but not requested."""

from __future__ import annotations

import gzip
import secrets
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sentia_testkit.simulators.amazon.backend import SALES_CHANNELS, Seller, SellingPartnerBackend, iso

DOCUMENT_URL_LIFETIME = timedelta(minutes=5)
PROGRESSION = ("IN_QUEUE", "IN_PROGRESS", "DONE")
SETTLEMENT = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"

Rows = Iterator[list[str]]


@dataclass
class Document:
    content: bytes
    report_id: str


@dataclass
class PresignedUrl:
    document_id: str
    expires_at: datetime


def _orders_in(seller: Seller, report: dict[str, Any], by: str) -> Rows:
    start, end = report.get("dataStartTime"), report.get("dataEndTime")
    marketplaces = set(report["marketplaceIds"])
    yield [
        "amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
        "fulfillment-channel", "sales-channel", "ship-service-level", "product-name", "sku", "asin", "item-status",
        "quantity", "currency", "item-price", "item-tax", "shipping-price", "shipping-tax", "item-promotion-discount",
        "ship-city", "ship-state", "ship-postal-code", "ship-country", "is-business-order",
    ]  # fmt: skip
    for order in seller.orders:
        moment = order[by]
        if order["MarketplaceId"] not in marketplaces or (start and moment < start) or (end and moment > end):
            continue
        address = order["ShippingAddress"]
        for item in seller.order_items[order["AmazonOrderId"]]:
            price = item.get("ItemPrice", {})
            yield [
                order["AmazonOrderId"], "", order["PurchaseDate"], order["LastUpdateDate"], order["OrderStatus"],
                "Amazon" if order["FulfillmentChannel"] == "AFN" else "Merchant", order["SalesChannel"],
                order["ShipServiceLevel"], item["Title"], item["SellerSKU"], item["ASIN"], order["OrderStatus"],
                str(item["QuantityOrdered"]), price.get("CurrencyCode", ""), price.get("Amount", ""),
                item.get("ItemTax", {}).get("Amount", ""), item.get("ShippingPrice", {}).get("Amount", ""),
                item.get("ShippingTax", {}).get("Amount", ""), item.get("PromotionDiscount", {}).get("Amount", ""),
                address["City"], address["StateOrRegion"], address["PostalCode"], address["CountryCode"],
                str(order["IsBusinessOrder"]).lower(),
            ]  # fmt: skip


def _listings(seller: Seller, report: dict[str, Any], active_only: bool) -> Rows:
    yield [
        "item-name", "listing-id", "seller-sku", "price", "quantity", "open-date", "product-id-type",
        "item-condition", "asin1", "product-id", "fulfillment-channel", "status",
    ]  # fmt: skip
    for (sku, marketplace_id), listing in sorted(seller.listings.items()):
        if marketplace_id not in report["marketplaceIds"]:
            continue
        item = SellingPartnerBackend.listing_item(seller, listing, ["summaries", "offers", "fulfillmentAvailability"])
        status = "Active" if "BUYABLE" in item["summaries"][0]["status"] else "Inactive"
        if active_only and status != "Active":
            continue
        channel = item["fulfillmentAvailability"][0] if item["fulfillmentAvailability"] else {}
        code = channel.get("fulfillmentChannelCode", "DEFAULT")
        product = seller.product(sku) or {}
        yield [
            item["summaries"][0]["itemName"], f"{zlib.crc32(f'{sku}/{marketplace_id}'.encode()):010d}", sku,
            item["offers"][0]["price"]["amount"] if item["offers"] else "", str(channel.get("quantity", "")),
            iso(listing.created), "1", "11", listing.asin or "", product.get("ean", ""),
            code if code != "DEFAULT" else "DEFAULT", status,
        ]  # fmt: skip


def _fba_inventory(seller: Seller, report: dict[str, Any], detailed: bool) -> Rows:
    if detailed:
        yield [
            "sku", "fnsku", "asin", "product-name", "condition", "your-price", "afn-listing-exists",
            "afn-warehouse-quantity", "afn-fulfillable-quantity", "afn-unsellable-quantity", "afn-reserved-quantity",
            "afn-total-quantity", "afn-inbound-working-quantity", "afn-inbound-shipped-quantity",
            "afn-inbound-receiving-quantity", "afn-researching-quantity",
        ]  # fmt: skip
    else:
        yield ["seller-sku", "fulfillment-channel-sku", "asin", "condition-type", "Warehouse-Condition-code",
               "Quantity Available"]  # fmt: skip
    for marketplace_id in report["marketplaceIds"]:
        for row in seller.inventory.get(marketplace_id, []):
            details = row["inventoryDetails"]
            product = seller.product(row["sellerSku"]) or {"prices": {}}
            if not detailed:
                yield [
                    row["sellerSku"],
                    row["fnSku"],
                    row["asin"],
                    "New",
                    "SELLABLE",
                    str(details["fulfillableQuantity"]),
                ]
                continue
            unsellable = details["unfulfillableQuantity"]["totalUnfulfillableQuantity"]
            reserved = details["reservedQuantity"]["totalReservedQuantity"]
            yield [
                row["sellerSku"], row["fnSku"], row["asin"], row["productName"], "New",
                product["prices"].get(marketplace_id, ""), "Yes",
                str(details["fulfillableQuantity"] + unsellable + reserved), str(details["fulfillableQuantity"]),
                str(unsellable), str(reserved), str(row["totalQuantity"]), str(details["inboundWorkingQuantity"]),
                str(details["inboundShippedQuantity"]), str(details["inboundReceivingQuantity"]),
                str(details["researchingQuantity"]["totalResearchingQuantity"]),
            ]  # fmt: skip


def _settlement(seller: Seller, marketplace_id: str, start: datetime, end: datetime, settlement_id: str) -> Rows:
    header = [
        "settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date", "total-amount", "currency",
        "transaction-type", "order-id", "marketplace-name", "amount-type", "amount-description", "amount",
        "posted-date", "sku", "quantity-purchased",
    ]  # fmt: skip
    lines: list[list[str]] = []
    total = Decimal(0)
    currency = seller.data["currencies"][marketplace_id]
    for order in seller.orders:
        if order["MarketplaceId"] != marketplace_id or order["OrderStatus"] != "Shipped":
            continue
        posted = order["LastUpdateDate"]
        if not iso(start) <= posted <= iso(end):
            continue
        for item in seller.order_items[order["AmazonOrderId"]]:
            price = Decimal(item["ItemPrice"]["Amount"])
            fee = (price * Decimal("0.15")).quantize(Decimal("0.01"))  # referral fee for grocery and spirits
            total += price - fee
            common = [
                settlement_id,
                "",
                "",
                "",
                "",
                "",
                "Order",
                order["AmazonOrderId"],
                SALES_CHANNELS[marketplace_id],
            ]
            lines.append(
                [
                    *common,
                    "ItemPrice",
                    "Principal",
                    str(price),
                    posted[:10],
                    item["SellerSKU"],
                    str(item["QuantityOrdered"]),
                ]
            )
            lines.append([*common, "ItemFees", "Commission", str(-fee), posted[:10], item["SellerSKU"], ""])
    summary = [settlement_id, iso(start), iso(end), iso(end + timedelta(days=3)), str(total), currency]
    yield header
    yield summary + [""] * (len(header) - len(summary))
    yield from lines


GENERATORS: dict[str, Callable[[Seller, dict[str, Any]], Rows]] = {
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL": lambda s, r: _orders_in(s, r, "PurchaseDate"),
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL": lambda s, r: _orders_in(s, r, "LastUpdateDate"),
    "GET_MERCHANT_LISTINGS_ALL_DATA": lambda s, r: _listings(s, r, active_only=False),
    "GET_MERCHANT_LISTINGS_DATA": lambda s, r: _listings(s, r, active_only=True),
    "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA": lambda s, r: _fba_inventory(s, r, detailed=True),
    "GET_AFN_INVENTORY_DATA": lambda s, r: _fba_inventory(s, r, detailed=False),
}
SCHEDULED_ONLY = frozenset({SETTLEMENT, "GET_V2_SETTLEMENT_REPORT_DATA_XML"})


def tsv(rows: Rows) -> bytes:
    return gzip.compress("".join("\t".join(row) + "\n" for row in rows).encode("utf-8"), mtime=0)


class Reports:
    """Reports and documents of every seller."""

    def __init__(self, backend: SellingPartnerBackend, clock: Callable[[], datetime]) -> None:
        self.backend = backend
        self._clock = clock
        self.reports: dict[str, dict[str, Any]] = {}
        self.owners: dict[str, str] = {}
        self.documents: dict[str, Document] = {}
        self.urls: dict[str, PresignedUrl] = {}
        self.polls_per_step = 1
        """getReport calls a report takes to move one step (IN_QUEUE → IN_PROGRESS → DONE)."""
        self.reset()

    def reset(self) -> None:
        self.reports.clear()
        self.owners.clear()
        self.documents.clear()
        self.urls.clear()
        for seller in self.backend.sellers.values():
            self._seed_settlements(seller)

    def _seed_settlements(self, seller: Seller) -> None:
        end = self.backend.anchor - timedelta(days=1)
        start = end - timedelta(days=14)
        for marketplace_id in seller.data["marketplaces"]:
            report_id = self._new_id()
            rows = _settlement(seller, marketplace_id, start, end, f"{report_id}1")
            report = {
                "reportId": report_id,
                "reportType": SETTLEMENT,
                "marketplaceIds": [marketplace_id],
                "dataStartTime": iso(start),
                "dataEndTime": iso(end),
                "reportScheduleId": "50012345678",
                "createdTime": iso(end),
                "processingStatus": "DONE",
                "processingStartTime": iso(end),
                "processingEndTime": iso(end),
            }
            self._store(seller.seller_id, report, PROGRESSION.index("DONE"))
            self._attach_document(report, tsv(rows))

    def _new_id(self) -> str:
        return str(50000000000 + self.backend.next_id())

    def _store(self, seller_id: str, report: dict[str, Any], step: int) -> None:
        self.reports[report["reportId"]] = {**report, "_step": step}
        self.owners[report["reportId"]] = seller_id

    def _attach_document(self, report: dict[str, Any], content: bytes) -> None:
        document_id = f"amzn1.spdoc.1.4.eu.{report['reportId']}.T{self.backend.next_id():06d}"
        self.documents[document_id] = Document(content, report["reportId"])
        self.reports[report["reportId"]]["reportDocumentId"] = document_id

    @staticmethod
    def public(report: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in report.items() if not key.startswith("_")}

    def create(self, seller: Seller, body: dict[str, Any]) -> str:
        report_id = self._new_id()
        report: dict[str, Any] = {
            "reportId": report_id,
            "reportType": body["reportType"],
            "marketplaceIds": list(body["marketplaceIds"]),
            "createdTime": iso(self._clock()),
            "processingStatus": "IN_QUEUE",
        }
        for key in ("dataStartTime", "dataEndTime"):
            if body.get(key):
                report[key] = body[key]
        self._store(seller.seller_id, report, 0)
        return report_id

    def owned(self, seller: Seller, report_id: str) -> dict[str, Any] | None:
        if self.owners.get(report_id) != seller.seller_id:
            return None
        return self.reports[report_id]

    def poll(self, seller: Seller, report: dict[str, Any]) -> dict[str, Any]:
        """The report as getReport shows it now; each poll moves it one step towards DONE."""
        report["_polls"] = report.get("_polls", 0) + 1
        step = report["_step"]
        if step < len(PROGRESSION) - 1 and report["_polls"] >= self.polls_per_step:
            step += 1
            report["_step"], report["_polls"] = step, 0
            report["processingStatus"] = PROGRESSION[step]
            now = iso(self._clock())
            if PROGRESSION[step] == "IN_PROGRESS":
                report["processingStartTime"] = now
            else:
                report["processingEndTime"] = now
                self._attach_document(report, tsv(GENERATORS[report["reportType"]](seller, report)))
        return self.public(report)

    def listed(
        self, seller: Seller, types: list[str], statuses: list[str], marketplaces: list[str], since: str
    ) -> list[dict[str, Any]]:
        found = [
            self.public(report)
            for report_id, report in self.reports.items()
            if self.owners[report_id] == seller.seller_id
            and report["reportType"] in types
            and (not statuses or report["processingStatus"] in statuses)
            and (not marketplaces or set(marketplaces) & set(report["marketplaceIds"]))
            and report["createdTime"] >= since
        ]
        return sorted(found, key=lambda report: report["createdTime"], reverse=True)

    def presign(self, seller: Seller, document_id: str, base_url: str) -> dict[str, Any] | None:
        document = self.documents.get(document_id)
        if document is None or self.owners.get(document.report_id) != seller.seller_id:
            return None
        signature = secrets.token_hex(16)
        self.urls[signature] = PresignedUrl(document_id, self._clock() + DOCUMENT_URL_LIFETIME)
        url = f"{base_url}/_simulator/report-documents/{document_id}?X-Amz-Expires=300&X-Amz-Signature={signature}"
        return {"reportDocumentId": document_id, "url": url, "compressionAlgorithm": "GZIP"}

    def download(self, document_id: str, signature: str) -> bytes | None:
        """The document's bytes for a valid, unexpired pre-signed URL, else None."""
        presigned = self.urls.get(signature)
        if presigned is None or presigned.document_id != document_id or self._clock() >= presigned.expires_at:
            return None
        return self.documents[document_id].content
