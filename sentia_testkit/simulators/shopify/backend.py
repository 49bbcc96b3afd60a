"""The simulator's state: one `ShopState` per shop (keyed by its myshopify.com domain), seeded from the committed
JSON in `fixtures/shopify/`, with one method per business operation. `reset()` reloads the seed.

Products, variants, inventory items and levels, locations, customers and orders are plain dicts (see `records`).
Figures Shopify derives (order counts, amounts spent, total inventory, price ranges) are derived here too, from
the records, so that a change made through a mutation shows everywhere it should.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sentia_testkit.simulators.seed_data import seed_dir
from sentia_testkit.simulators.shopify.cost import LeakyBucket
from sentia_testkit.simulators.shopify.records import Record, gid, gid_number, money, money_bag, money_v2, timestamp

DEFAULT_SEED_DIR = seed_dir("shopify")
TOKEN_LIFETIME_SECONDS = 86_399
"""Client-credentials tokens last 24 hours (the grant answers `expires_in: 86399`)."""

QUANTITY_NAMES = (
    "available",
    "committed",
    "incoming",
    "on_hand",
    "reserved",
    "damaged",
    "quality_control",
    "safety_stock",
)
SETTABLE_QUANTITY_NAMES = ("available", "on_hand")
INVENTORY_REASONS = frozenset(
    {
        "correction",
        "cycle_count_available",
        "damaged",
        "movement_created",
        "movement_updated",
        "movement_received",
        "movement_canceled",
        "other",
        "promotion",
        "quality_control",
        "received",
        "reservation_created",
        "reservation_deleted",
        "reservation_updated",
        "restock",
        "safety_stock",
        "shrinkage",
    }
)


class SeedError(RuntimeError):
    """The seed data could not be loaded; the message names the file and what is wrong."""


@dataclass
class ShopState:
    """Everything one shop holds, plus the app's credentials and query-cost bucket for that shop."""

    key: str
    domain: str
    shop: Record
    timezone: ZoneInfo
    eur_rate: Decimal
    access_token: str
    client_id: str
    client_secret: str
    scopes: set[str]
    bucket: LeakyBucket
    issued_tokens: dict[str, float] = field(default_factory=dict)
    locations: dict[int, Record] = field(default_factory=dict)
    products: dict[int, Record] = field(default_factory=dict)
    variants: dict[int, Record] = field(default_factory=dict)
    items: dict[int, Record] = field(default_factory=dict)
    levels: dict[tuple[int, int], Record] = field(default_factory=dict)
    customers: dict[int, Record] = field(default_factory=dict)
    orders: dict[int, Record] = field(default_factory=dict)
    idempotency: dict[str, tuple[str, Record]] = field(default_factory=dict)
    next_id: int = 9_700_000_000_000

    @property
    def currency(self) -> str:
        return str(self.shop["currencyCode"])

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    # Derived figures

    def item_levels(self, item: int) -> list[Record]:
        return [level for (item_id, _), level in self.levels.items() if item_id == item]

    def location_levels(self, location: int) -> list[Record]:
        return [level for (_, location_id), level in self.levels.items() if location_id == location]

    def variant_inventory(self, variant: Record) -> int:
        return sum(int(level["_quantities"].get("available", 0)) for level in self.item_levels(variant["_item"]))

    def product_variants(self, product: Record) -> list[Record]:
        return [self.variants[number] for number in product["_variants"] if number in self.variants]

    def product_inventory(self, product: Record) -> int:
        return sum(self.variant_inventory(variant) for variant in self.product_variants(product))

    def customer_orders(self, customer: int) -> list[Record]:
        return [order for order in self.orders.values() if order["_customer"] == customer]

    def customer_spent(self, customer: int) -> Decimal:
        return sum(
            (
                Decimal(order["totalPriceSet"]["shopMoney"]["amount"])
                - Decimal(order["totalRefundedSet"]["shopMoney"]["amount"])
                for order in self.customer_orders(customer)
                if order["displayFinancialStatus"] != "VOIDED"
            ),
            Decimal("0"),
        )

    def bag(self, amount: Decimal, presentment_currency: str | None = None) -> Record:
        return money_bag(amount, self.currency, presentment_currency or self.currency, self.eur_rate)


class ShopifyBackend:
    """All shops of the simulator. `clock` (monotonic seconds) drives token expiry and the cost buckets; `now`
    gives the wall-clock time stamped on records that mutations create or change."""

    def __init__(
        self,
        seed_dir: Path | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.seed_dir = seed_dir or DEFAULT_SEED_DIR
        self.clock = clock
        self.now = now
        self.shops: dict[str, ShopState] = {}
        self.reset()

    def reset(self) -> None:
        self.shops = {state.domain: state for state in _load_seed(self.seed_dir, self.clock)}

    def shop(self, name: str) -> ShopState:
        """A shop by its short name (`uk`) or domain (`sentia-uk.myshopify.com`)."""
        for state in self.shops.values():
            if name in (state.key, state.domain):
                return state
        raise KeyError(f"no simulated Shopify shop {name!r}; known: {', '.join(s.key for s in self.shops.values())}")

    # Authentication

    def authenticate(self, state: ShopState, token: str | None) -> bool:
        if not token:
            return False
        if token == state.access_token:
            return True
        expires_at = state.issued_tokens.get(token)
        return expires_at is not None and self.clock() < expires_at

    def issue_token(self, state: ShopState, client_id: str, client_secret: str) -> Record | None:
        """The client credentials grant: a new 24-hour token for the app, or None when the credentials are wrong."""
        if client_id != state.client_id or client_secret != state.client_secret:
            return None
        token = f"shpat_simulated-{state.key}-{len(state.issued_tokens) + 1}"
        state.issued_tokens[token] = self.clock() + TOKEN_LIFETIME_SECONDS
        return {"access_token": token, "scope": ",".join(sorted(state.scopes)), "expires_in": TOKEN_LIFETIME_SECONDS}

    def expire_tokens(self, name: str) -> None:
        """Make every token issued for the shop expire now (tests of the refresh path)."""
        state = self.shop(name)
        state.issued_tokens = dict.fromkeys(state.issued_tokens, self.clock() - 1)

    # Products

    def create_product(self, state: ShopState, values: Record) -> tuple[Record | None, list[Record]]:
        title = (values.get("title") or "").strip()
        if not title:
            return None, [{"field": ["title"], "message": "Title can't be blank"}]
        handle = values.get("handle") or _handleize(title)
        if values.get("handle") and _handle_taken(state, handle, None):
            return None, [
                {"field": ["handle"], "message": f"Handle '{handle}' already in use. Please provide a new handle."}
            ]
        handle = _unique_handle(state, handle)
        moment = timestamp(self.now())
        number = state.new_id()
        product: Record = {
            "id": gid("Product", number),
            "_num": number,
            "title": title,
            "handle": handle,
            "descriptionHtml": values.get("descriptionHtml") or "",
            "vendor": values.get("vendor") or str(state.shop["name"]),
            "productType": values.get("productType") or "",
            "status": values.get("status") or "ACTIVE",
            "tags": sorted(set(values.get("tags") or [])),
            "createdAt": moment,
            "updatedAt": moment,
            "publishedAt": None,
            "seo": {
                "title": (values.get("seo") or {}).get("title"),
                "description": (values.get("seo") or {}).get("description"),
            },
            "_variants": [],
        }
        state.products[number] = product
        self._add_default_variant(state, product, moment)
        return product, []

    def _add_default_variant(self, state: ShopState, product: Record, moment: str) -> None:
        """A new product has one variant, "Default Title", priced 0, tracked and stocked (at 0) at every active
        location."""
        variant_number, item_number = state.new_id(), state.new_id()
        state.variants[variant_number] = {
            "id": gid("ProductVariant", variant_number),
            "_num": variant_number,
            "title": "Default Title",
            "sku": None,
            "barcode": None,
            "price": "0.00",
            "compareAtPrice": None,
            "position": 1,
            "taxable": True,
            "inventoryPolicy": "DENY",
            "createdAt": moment,
            "updatedAt": moment,
            "_product": product["_num"],
            "_item": item_number,
        }
        state.items[item_number] = {
            "id": gid("InventoryItem", item_number),
            "_num": item_number,
            "_sku": None,
            "tracked": True,
            "requiresShipping": True,
            "_unit_cost": None,
            "_weight_grams": None,
            "createdAt": moment,
            "updatedAt": moment,
            "_variant": variant_number,
        }
        for location in state.locations.values():
            if location["isActive"]:
                _add_level(state, item_number, location["_num"], {}, moment)
        product["_variants"].append(variant_number)

    def update_product(self, state: ShopState, values: Record) -> tuple[Record | None, list[Record]]:
        product = _product_by_gid(state, values.get("id"))
        if product is None:
            return None, [{"field": ["id"], "message": "Product does not exist"}]
        if "title" in values and not (values["title"] or "").strip():
            return None, [{"field": ["title"], "message": "Title can't be blank"}]
        if values.get("handle") and _handle_taken(state, values["handle"], product["_num"]):
            return None, [
                {
                    "field": ["handle"],
                    "message": f"Handle '{values['handle']}' already in use. Please provide a new handle.",
                }
            ]
        for name in ("title", "handle", "descriptionHtml", "vendor", "productType", "status"):
            if values.get(name) is not None:
                product[name] = values[name].strip() if name == "title" else values[name]
        if values.get("tags") is not None:
            product["tags"] = sorted(set(values["tags"]))
        if values.get("seo") is not None:
            product["seo"] = {**product["seo"], **values["seo"]}
        product["updatedAt"] = timestamp(self.now())
        return product, []

    def delete_product(self, state: ShopState, product_id: str) -> tuple[str | None, list[Record]]:
        product = _product_by_gid(state, product_id)
        if product is None:
            return None, [{"field": ["id"], "message": "Product does not exist"}]
        for variant in state.product_variants(product):
            item = variant["_item"]
            for key in [key for key in state.levels if key[0] == item]:
                del state.levels[key]
            state.items.pop(item, None)
            del state.variants[variant["_num"]]
        del state.products[product["_num"]]
        for order in state.orders.values():  # orders keep their lines, which lose the link to what was deleted
            for line in order["_lines"]:
                if line["_product"] == product["_num"]:
                    line["_product"] = line["_variant"] = None
        return str(product["id"]), []

    def bulk_update_variants(
        self, state: ShopState, product_id: str, updates: list[Record], allow_partial: bool
    ) -> tuple[Record | None, list[Record], list[Record]]:
        """productVariantsBulkUpdate: every update is checked first; without `allow_partial`, one error applies
        nothing."""
        product = _product_by_gid(state, product_id)
        if product is None:
            return (
                None,
                [],
                [{"code": "PRODUCT_DOES_NOT_EXIST", "field": ["productId"], "message": "Product does not exist"}],
            )
        errors: list[Record] = []
        valid: list[tuple[Record, Record]] = []
        for index, update in enumerate(updates):
            path = ["variants", str(index)]
            if not update.get("id"):
                errors.append(
                    {
                        "code": "PRODUCT_VARIANT_ID_MISSING",
                        "field": [*path, "id"],
                        "message": "Product variant is missing ID attribute",
                    }
                )
                continue
            variant = next((v for v in state.product_variants(product) if v["id"] == update["id"]), None)
            if variant is None:
                errors.append(
                    {
                        "code": "PRODUCT_VARIANT_DOES_NOT_EXIST",
                        "field": [*path, "id"],
                        "message": "Product variant does not exist",
                    }
                )
                continue
            problem = _price_problem(update, path)
            if problem is not None:
                errors.append(problem)
                continue
            valid.append((variant, update))
        if errors and not allow_partial:
            return product, [], errors
        moment = timestamp(self.now())
        changed = [self._apply_variant_update(state, variant, update, moment) for variant, update in valid]
        if changed:
            product["updatedAt"] = moment
        return product, changed, errors

    def _apply_variant_update(self, state: ShopState, variant: Record, update: Record, moment: str) -> Record:
        for name in ("price", "compareAtPrice"):
            if name in update:
                variant[name] = None if update[name] is None else money(Decimal(str(update[name])))
        for name in ("barcode", "taxable", "inventoryPolicy"):
            if name in update:
                variant[name] = update[name]
        item_update = update.get("inventoryItem") or {}
        item = state.items[variant["_item"]]
        if "sku" in item_update:
            variant["sku"] = item_update["sku"]
        for name in ("tracked", "requiresShipping"):
            if name in item_update:
                item[name] = item_update[name]
        if "cost" in item_update:
            item["_unit_cost"] = None if item_update["cost"] is None else money(Decimal(str(item_update["cost"])))
        weight = (item_update.get("measurement") or {}).get("weight")
        if weight:
            item["_weight_grams"] = _grams(float(weight["value"]), weight["unit"])
        variant["updatedAt"] = item["updatedAt"] = moment
        return variant

    # Inventory

    def set_quantities(self, state: ShopState, values: Record, key: str) -> tuple[Record | None, list[Record]]:
        """inventorySetQuantities with compare-and-swap per quantity (`changeFromQuantity`) and the idempotency key:
        a retry with the same key and input answers the first result without applying it twice."""
        fingerprint = json.dumps(values, sort_keys=True, default=str)
        if key in state.idempotency:
            seen, result = state.idempotency[key]
            if seen != fingerprint:
                return None, [
                    {
                        "code": "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
                        "field": None,
                        "message": "The same idempotency key cannot be used with different operation parameters.",
                    }
                ]
            return result.get("group"), list(result.get("errors", []))
        group, errors = self._set_quantities(state, values)
        state.idempotency[key] = (fingerprint, {"group": group, "errors": errors})
        return group, errors

    def _set_quantities(self, state: ShopState, values: Record) -> tuple[Record | None, list[Record]]:
        name, reason = values["name"], values["reason"]
        if name not in SETTABLE_QUANTITY_NAMES:
            return None, [
                {
                    "code": "INVALID_NAME",
                    "field": ["input", "name"],
                    "message": "The quantity name must be either 'available' or 'on_hand'.",
                }
            ]
        if reason not in INVENTORY_REASONS:
            return None, [
                {"code": "INVALID_REASON", "field": ["input", "reason"], "message": "The specified reason is invalid."}
            ]
        errors: list[Record] = []
        targets: list[tuple[Record, int]] = []
        seen: set[tuple[int, int]] = set()
        for index, change in enumerate(values["quantities"]):
            path = ["input", "quantities", str(index)]
            error, target = _quantity_target(state, name, change, path, seen)
            if error is not None:
                errors.append(error)
            elif target is not None:
                targets.append(target)
        if errors:
            return None, errors
        moment = timestamp(self.now())
        changes = []
        for level, quantity in targets:
            quantities = level["_quantities"]
            before = int(quantities.get(name, 0))
            delta = quantity - before
            if name == "available":
                quantities["available"] = quantity
                quantities["on_hand"] = int(quantities.get("on_hand", 0)) + delta
                changes.append(_change("available", delta, quantity, level))
                changes.append(_change("on_hand", delta, quantities["on_hand"], level))
            else:
                quantities["on_hand"] = quantity
                quantities["available"] = int(quantities.get("available", 0)) + delta
                changes.append(_change("on_hand", delta, quantity, level))
                changes.append(_change("available", delta, quantities["available"], level))
            level["updatedAt"] = moment
        group = {
            "id": gid("InventoryAdjustmentGroup", state.new_id()),
            "createdAt": moment,
            "reason": reason,
            "referenceDocumentUri": values.get("referenceDocumentUri"),
            "changes": changes,
        }
        return group, []


def _quantity_target(
    state: ShopState, name: str, change: Record, path: list[str], seen: set[tuple[int, int]]
) -> tuple[Record | None, tuple[Record, int] | None]:
    """The level a quantity input changes and its new value, or the user error that refuses it."""
    item = gid_number(change["inventoryItemId"], "InventoryItem")
    location = gid_number(change["locationId"], "Location")
    if item is None or item not in state.items:
        return {
            "code": "INVALID_INVENTORY_ITEM",
            "field": [*path, "inventoryItemId"],
            "message": "The specified inventory item could not be found.",
        }, None
    if location is None or location not in state.locations:
        return {
            "code": "INVALID_LOCATION",
            "field": [*path, "locationId"],
            "message": "The specified location could not be found.",
        }, None
    if (item, location) in seen:
        return {
            "code": "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
            "field": [*path],
            "message": "The combination of inventoryItemId and locationId must be unique.",
        }, None
    seen.add((item, location))
    level = state.levels.get((item, location))
    if level is None:
        return {
            "code": "ITEM_NOT_STOCKED_AT_LOCATION",
            "field": [*path, "locationId"],
            "message": "The specified inventory item is not stocked at the location.",
        }, None
    if change["quantity"] < 0:
        return {
            "code": "INVALID_QUANTITY_NEGATIVE",
            "field": [*path, "quantity"],
            "message": "The quantity can't be negative.",
        }, None
    compare = change.get("changeFromQuantity")
    if compare is not None and int(level["_quantities"].get(name, 0)) != compare:
        return {
            "code": "CHANGE_FROM_QUANTITY_STALE",
            "field": [*path, "changeFromQuantity"],
            "message": "The specified compare quantity does not match the current quantity.",
        }, None
    return None, (level, int(change["quantity"]))


def _change(name: str, delta: int, after: int, level: Record) -> Record:
    return {"name": name, "delta": delta, "quantityAfterChange": after, "_level": level}


def _price_problem(update: Record, path: list[str]) -> Record | None:
    for name in ("price", "compareAtPrice"):
        value = update.get(name)
        if value is None:
            continue
        try:
            amount = Decimal(str(value))
        except ArithmeticError:
            return {"code": "INVALID_INPUT", "field": [*path, name], "message": f"{name} is not a valid amount"}
        if amount < 0:
            return {
                "code": "INVALID_INPUT",
                "field": [*path, name],
                "message": "Price must be greater than or equal to 0",
            }
    return None


def _grams(value: float, unit: str) -> float:
    return value * {"GRAMS": 1.0, "KILOGRAMS": 1000.0, "OUNCES": 28.349523125, "POUNDS": 453.59237}[unit]


def _product_by_gid(state: ShopState, value: Any) -> Record | None:
    number = gid_number(value, "Product") if isinstance(value, str) else None
    return state.products.get(number) if number is not None else None


def _handleize(title: str) -> str:
    cleaned = "".join(ch.lower() if ch.isalnum() else "-" for ch in title)
    return "-".join(part for part in cleaned.split("-") if part) or "product"


def _handle_taken(state: ShopState, handle: str, except_product: int | None) -> bool:
    return any(p["handle"] == handle and p["_num"] != except_product for p in state.products.values())


def _unique_handle(state: ShopState, handle: str) -> str:
    candidate, suffix = handle, 1
    while _handle_taken(state, candidate, None):
        candidate, suffix = f"{handle}-{suffix}", suffix + 1
    return candidate


def _add_level(state: ShopState, item: int, location: int, quantities: dict[str, int], moment: str) -> None:
    state.levels[(item, location)] = {
        "id": f"gid://shopify/InventoryLevel/{location}?inventory_item_id={item}",
        "_item": item,
        "_location": location,
        "_quantities": {name: int(quantities.get(name, 0)) for name in QUANTITY_NAMES},
        "createdAt": moment,
        "updatedAt": moment,
    }


# Seed loading


def _load_seed(directory: Path, clock: Callable[[], float]) -> list[ShopState]:
    index_path = directory / "shops.json"
    if not index_path.is_file():
        raise SeedError(
            f"Shopify simulator seed data not found: {index_path} does not exist; "
            "pass seed_dir= pointing at a folder with shops.json and one JSON file per shop"
        )
    index = _read_json(index_path)
    rate = Decimal(str(index["eur_per_gbp"]))
    states = []
    for key, entry in index["shops"].items():
        data = _read_json(directory / entry["fixture"])
        states.append(_build_state(key, entry, data, rate, clock))
    return states


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise SeedError(f"Shopify simulator seed file {path} could not be read: {error}") from None


def _build_state(key: str, entry: Record, data: Record, rate: Decimal, clock: Callable[[], float]) -> ShopState:
    shop = data["shop"]
    state = ShopState(
        key=key,
        domain=entry["domain"],
        shop={
            "id": gid("Shop", shop["id"]),
            "name": shop["name"],
            "email": shop["email"],
            "myshopifyDomain": entry["domain"],
            "currencyCode": shop["currency"],
            "ianaTimezone": shop["timezone"],
        },
        timezone=ZoneInfo(shop["timezone"]),
        eur_rate=rate,
        access_token=entry["access_token"],
        client_id=entry["client_id"],
        client_secret=entry["client_secret"],
        scopes=set(entry["scopes"]),
        bucket=LeakyBucket(entry["bucket"]["maximum_available"], entry["bucket"]["restore_rate"], clock),
    )
    for location in data["locations"]:
        address = location["address"]
        state.locations[location["id"]] = {
            "id": gid("Location", location["id"]),
            "_num": location["id"],
            "name": location["name"],
            "isActive": location["is_active"],
            "fulfillsOnlineOrders": location["fulfills_online_orders"],
            "address": {
                "address1": address["address1"],
                "city": address["city"],
                "province": address["province"],
                "countryCode": address["country_code"],
                "zip": address["zip"],
            },
        }
    for product in data["products"]:
        _seed_product(state, product)
    for customer in data["customers"]:
        _seed_customer(state, customer)
    for order in data["orders"]:
        _seed_order(state, order)
    return state


def _seed_product(state: ShopState, product: Record) -> None:
    state.products[product["id"]] = {
        "id": gid("Product", product["id"]),
        "_num": product["id"],
        "title": product["title"],
        "handle": product["handle"],
        "descriptionHtml": product["description_html"],
        "vendor": product["vendor"],
        "productType": product["product_type"],
        "status": product["status"],
        "tags": product["tags"],
        "createdAt": product["created_at"],
        "updatedAt": product["updated_at"],
        "publishedAt": product["published_at"],
        "seo": product["seo"],
        "_variants": [variant["id"] for variant in product["variants"]],
    }
    for variant in product["variants"]:
        item = variant["inventory_item"]
        state.variants[variant["id"]] = {
            "id": gid("ProductVariant", variant["id"]),
            "_num": variant["id"],
            "title": variant["title"],
            "sku": variant["sku"],
            "barcode": variant["barcode"],
            "price": variant["price"],
            "compareAtPrice": variant["compare_at_price"],
            "position": variant["position"],
            "taxable": variant["taxable"],
            "inventoryPolicy": variant["inventory_policy"],
            "createdAt": variant["created_at"],
            "updatedAt": variant["updated_at"],
            "_product": product["id"],
            "_item": item["id"],
        }
        state.items[item["id"]] = {
            "id": gid("InventoryItem", item["id"]),
            "_num": item["id"],
            "tracked": item["tracked"],
            "requiresShipping": item["requires_shipping"],
            "_unit_cost": item["unit_cost"],
            "_weight_grams": item["weight_grams"],
            "createdAt": variant["created_at"],
            "updatedAt": variant["updated_at"],
            "_variant": variant["id"],
        }
        for level in item["levels"]:
            _add_level(state, item["id"], level["location_id"], level, variant["created_at"])
            state.levels[(item["id"], level["location_id"])]["updatedAt"] = level["updated_at"]


def _seed_customer(state: ShopState, customer: Record) -> None:
    address = customer["address"]
    state.customers[customer["id"]] = {
        "id": gid("Customer", customer["id"]),
        "_num": customer["id"],
        "firstName": customer["first_name"],
        "lastName": customer["last_name"],
        "displayName": f"{customer['first_name']} {customer['last_name']}",
        "defaultEmailAddress": {"emailAddress": customer["email"], "marketingState": customer["marketing_state"]},
        "defaultPhoneNumber": {"phoneNumber": customer["phone"]} if customer["phone"] else None,
        "defaultAddress": {
            "city": address["city"],
            "province": address["province"],
            "country": None,
            "countryCodeV2": address["country_code"],
            "zip": None,
        },
        "state": customer["state"],
        "verifiedEmail": customer["verified_email"],
        "tags": customer["tags"],
        "note": customer["note"],
        "createdAt": customer["created_at"],
        "updatedAt": customer["updated_at"],
    }


def _seed_order(state: ShopState, order: Record) -> None:
    presentment = order["presentment_currency"]

    def bag(value: str) -> Record:
        return state.bag(Decimal(value), presentment)

    lines = []
    for line in order["line_items"]:
        unit, quantity, discount = Decimal(line["unit_price"]), int(line["quantity"]), Decimal(line["discount"])
        variant = state.variants.get(line["variant_id"])
        lines.append(
            {
                "id": gid("LineItem", line["id"]),
                "_num": line["id"],
                "name": line["title"]
                if line["variant_title"] == "Default Title"
                else f"{line['title']} - {line['variant_title']}",
                "title": line["title"],
                "variantTitle": line["variant_title"],
                "sku": line["sku"],
                "vendor": line["vendor"],
                "quantity": quantity,
                "currentQuantity": quantity,
                "_variant": line["variant_id"] if variant else None,
                "_product": variant["_product"] if variant else None,
                "originalUnitPriceSet": bag(line["unit_price"]),
                "originalTotalSet": state.bag(unit * quantity, presentment),
                "totalDiscountSet": bag(line["discount"]),
                "discountedTotalSet": state.bag(unit * quantity - discount, presentment),
            }
        )
    address = order["shipping_address"]
    state.orders[order["id"]] = {
        "id": gid("Order", order["id"]),
        "_num": order["id"],
        "name": order["name"],
        "email": order["email"],
        "createdAt": order["created_at"],
        "updatedAt": order["updated_at"],
        "processedAt": order["processed_at"],
        "cancelledAt": order["cancelled_at"],
        "cancelReason": order["cancel_reason"],
        "closedAt": order["closed_at"],
        "closed": order["closed_at"] is not None,
        "currencyCode": state.currency,
        "presentmentCurrencyCode": presentment,
        "displayFinancialStatus": order["financial_status"],
        "displayFulfillmentStatus": order["fulfillment_status"],
        "taxesIncluded": order["taxes_included"],
        "tags": order["tags"],
        "subtotalLineItemsQuantity": sum(line["quantity"] for line in lines),
        "_customer": order["customer_id"],
        "shippingAddress": (
            {
                "city": address["city"],
                "province": address["province"],
                "country": None,
                "countryCodeV2": address["country_code"],
                "zip": None,
            }
            if address
            else None
        ),
        "subtotalPriceSet": bag(order["subtotal"]),
        "totalDiscountsSet": bag(order["discounts"]),
        "totalShippingPriceSet": bag(order["shipping"]),
        "totalTaxSet": bag(order["tax"]),
        "totalPriceSet": bag(order["total"]),
        "totalRefundedSet": bag(order["refunded"]),
        "_lines": lines,
    }


def amount_spent(state: ShopState, customer: int) -> Record:
    return money_v2(state.customer_spent(customer), state.currency)
