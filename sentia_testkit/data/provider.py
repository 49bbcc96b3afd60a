"""`ManufacturingProvider`: a Faker provider of manufacturing identifiers and vocabulary in the formats the
domain models accept (`Faker().add_provider(ManufacturingProvider)`, then `fake.sku()`, `fake.lot_number()`...)."""

from __future__ import annotations

from datetime import date, timedelta

from faker.providers import BaseProvider

REFERENCE_DAY = date(2026, 6, 30)
PRODUCT_LINES = {
    "GIN": "Botanical Gin",
    "VOD": "Vodka",
    "RUM": "Spiced Rum",
    "WHI": "Single Malt Whisky",
    "LIQ": "Rhubarb Liqueur",
    "TON": "Indian Tonic",
    "SOD": "Soda Water",
    "BIT": "Aromatic Bitters",
}
SIZES = ("5", "20", "35", "50", "70", "100", "150", "200")
WORK_CENTRES = (
    "Still 1",
    "Still 2",
    "Blending Room",
    "Bottling Line 1",
    "Bottling Line 2",
    "Labelling Cell",
    "Case Packing",
    "Quality Lab",
    "Bonded Warehouse",
    "Goods In",
)
SUPPLIER_SUFFIXES = ("Ltd", "Limited", "plc", "& Sons", "Trading", "Packaging", "Glassworks", "Botanicals", "GmbH")
CERTIFICATIONS = (
    "ISO 9001:2015",
    "ISO 14001:2015",
    "ISO 45001:2018",
    "ISO 22000:2018",
    "ISO 50001:2018",
    "FSSC 22000 v6",
    "BRCGS Food Safety Issue 9",
    "BRCGS Packaging Materials Issue 6",
    "HACCP",
    "SALSA",
    "Soil Association Organic",
    "Fairtrade",
    "B Corp",
)
UNITS_OF_MEASURE = ("bottle", "case", "pallet", "each", "litre", "ml", "kg", "g", "roll", "carton")
LOCATIONS = ("MAIN", "BONDED-1", "BONDED-2", "DISPATCH", "QUARANTINE", "GOODS-IN", "3PL-UK", "3PL-US")
CHARACTERISTICS = {
    "alcohol by volume": ("% ABV", "41.5", "0.2"),
    "fill volume": ("ml", "700", "5"),
    "pH": ("pH", "3.2", "0.3"),
    "closure torque": ("N·m", "1.8", "0.4"),
    "label position": ("mm", "0", "1.5"),
    "dissolved oxygen": ("ppm", "0.5", "0.3"),
    "sugar content": ("g/l", "100", "5"),
    "colour": ("EBC", "12", "2"),
}


class ManufacturingProvider(BaseProvider):
    """Identifiers, places and vocabulary of a drinks manufacturer, each valid for the domain models."""

    def product_code(self) -> str:
        """A product line code, e.g. "GIN"."""
        return self.random_element(tuple(PRODUCT_LINES))

    def sku(self, prefix: str = "SEN") -> str:
        """A stock keeping unit such as SEN-GIN-70: brand, product line, size."""
        return f"{prefix}-{self.product_code()}-{self.random_element(SIZES)}"

    def product_name(self) -> str:
        """A product name such as "Sentia Botanical Gin 70cl"."""
        return f"Sentia {self.random_element(tuple(PRODUCT_LINES.values()))} {self.random_element(SIZES)}cl"

    def production_day(self, within_days: int = 365) -> date:
        """A day in the year up to `REFERENCE_DAY` (fixed, so a seed gives the same data on any day)."""
        return REFERENCE_DAY - timedelta(days=self.random_int(0, within_days))

    def order_number(self) -> str:
        """A manufacturing order number such as MO-2026-0042."""
        return f"MO-{self.production_day().year}-{self.random_int(1, 9999):04d}"

    def work_order(self) -> str:
        """A work order number such as WO-2026-0117."""
        return f"WO-{self.production_day().year}-{self.random_int(1, 9999):04d}"

    def lot_number(self) -> str:
        """A lot number such as LOT-20261120-003: the production day and the lot of that day."""
        return f"LOT-{self.production_day():%Y%m%d}-{self.random_int(1, 999):03d}"

    def batch_number(self) -> str:
        """A batch number such as L2611-04: year and month, then the batch of the month."""
        return f"L{self.production_day():%y%m}-{self.random_int(1, 99):02d}"

    def work_centre(self) -> str:
        """Where work happens, e.g. "Bottling Line 2"."""
        return self.random_element(WORK_CENTRES)

    def supplier_name(self) -> str:
        """A supplier such as "Hartley Glassworks"."""
        surname = self.generator.last_name()
        return f"{surname} {self.random_element(SUPPLIER_SUFFIXES)}"

    def certification(self) -> str:
        """A quality, food-safety or environmental certification, e.g. "ISO 9001:2015"."""
        return self.random_element(CERTIFICATIONS)

    def unit_of_measure(self) -> str:
        """A unit stock is counted in, e.g. "bottle" or "case"."""
        return self.random_element(UNITS_OF_MEASURE)

    def stock_location(self) -> str:
        """A warehouse or store code, e.g. "BONDED-1"."""
        return self.random_element(LOCATIONS)

    def characteristic(self) -> str:
        """Something a quality inspection measures, e.g. "fill volume"."""
        return self.random_element(tuple(CHARACTERISTICS))
