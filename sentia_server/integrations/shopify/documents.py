"""Every GraphQL document the server sends to Shopify's Admin API (version pinned in settings, 2026-10).

Page sizes are chosen so that each query's requested cost stays under Shopify's single-query limit of 1000 points
(a connection costs 2 plus `first` times the cost of one node; https://shopify.dev/docs/apps/build/apis/
graphql-admin/rate-limits). The tests compute each document's cost at its page size against the simulator's
schema, and validate every document against that schema.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_QUERY_COST = 1000


@dataclass(frozen=True)
class Document:
    """A named operation; `page_size` is the largest `first` it is sent with (0 for documents that do not page)."""

    name: str
    text: str
    page_size: int = 0
    mutation: bool = False


_MONEY = "shopMoney { amount currencyCode }"

ORDER_FIELDS = f"""
fragment SentiaOrder on Order {{
  id
  name
  email
  createdAt
  updatedAt
  processedAt
  cancelledAt
  closed
  currencyCode
  presentmentCurrencyCode
  displayFinancialStatus
  displayFulfillmentStatus
  subtotalLineItemsQuantity
  tags
  customer {{ id displayName defaultEmailAddress {{ emailAddress }} }}
  shippingAddress {{ countryCodeV2 }}
  subtotalPriceSet {{ {_MONEY} }}
  totalDiscountsSet {{ {_MONEY} }}
  totalShippingPriceSet {{ {_MONEY} }}
  totalTaxSet {{ {_MONEY} }}
  totalPriceSet {{ {_MONEY} presentmentMoney {{ amount currencyCode }} }}
  totalRefundedSet {{ {_MONEY} }}
}}
"""

LINE_FIELDS = f"""
fragment SentiaLine on LineItem {{
  id
  name
  title
  sku
  quantity
  variant {{ id }}
  product {{ id }}
  originalUnitPriceSet {{ {_MONEY} }}
  discountedTotalSet {{ {_MONEY} }}
}}
"""

ORDERS = Document(
    "SentiaOrders",
    """
query SentiaOrders($first: Int!, $after: String, $query: String, $sortKey: OrderSortKeys!, $reverse: Boolean!) {
  orders(first: $first, after: $after, query: $query, sortKey: $sortKey, reverse: $reverse) {
    edges { cursor node { ...SentiaOrder } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
    + ORDER_FIELDS,
    page_size=55,
)

ORDERS_WITH_LINES = Document(
    "SentiaOrdersWithLines",
    """
query SentiaOrdersWithLines(
  $first: Int!, $after: String, $query: String, $sortKey: OrderSortKeys!, $reverse: Boolean!, $lines: Int!
) {
  orders(first: $first, after: $after, query: $query, sortKey: $sortKey, reverse: $reverse) {
    edges {
      cursor
      node {
        ...SentiaOrder
        lineItems(first: $lines) { nodes { ...SentiaLine } pageInfo { hasNextPage endCursor } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
    + ORDER_FIELDS
    + LINE_FIELDS,
    page_size=10,
)
ORDER_LINES_PER_PAGE = 10
"""Line items fetched with each order; an order with more is completed with ORDER_LINES."""

ORDER_LINES = Document(
    "SentiaOrderLines",
    """
query SentiaOrderLines($id: ID!, $first: Int!, $after: String) {
  order(id: $id) {
    id
    lineItems(first: $first, after: $after) { nodes { ...SentiaLine } pageInfo { hasNextPage endCursor } }
  }
}
"""
    + LINE_FIELDS,
    page_size=100,
)

SALES_ORDERS = Document(
    "SentiaSalesOrders",
    f"""
query SentiaSalesOrders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {{
    edges {{
      cursor
      node {{
        id
        name
        createdAt
        cancelledAt
        currencyCode
        displayFinancialStatus
        subtotalLineItemsQuantity
        totalPriceSet {{ {_MONEY} }}
        totalRefundedSet {{ {_MONEY} }}
      }}
    }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
""",
    page_size=150,
)

SALES_ORDERS_WITH_LINES = Document(
    "SentiaSalesOrdersWithLines",
    f"""
query SentiaSalesOrdersWithLines($first: Int!, $after: String, $query: String, $lines: Int!) {{
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {{
    edges {{
      cursor
      node {{
        id
        name
        createdAt
        cancelledAt
        currencyCode
        displayFinancialStatus
        subtotalLineItemsQuantity
        totalPriceSet {{ {_MONEY} }}
        totalRefundedSet {{ {_MONEY} }}
        lineItems(first: $lines) {{ nodes {{ ...SentiaLine }} pageInfo {{ hasNextPage endCursor }} }}
      }}
    }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
    + LINE_FIELDS,
    page_size=12,
)

PRODUCT_FIELDS = """
fragment SentiaProduct on Product {
  id
  title
  handle
  status
  vendor
  productType
  tags
  createdAt
  updatedAt
  totalInventory
  priceRangeV2 { minVariantPrice { amount currencyCode } maxVariantPrice { amount currencyCode } }
  variantsCount { count }
  variants(first: $variants) {
    nodes {
      id
      title
      sku
      barcode
      price
      compareAtPrice
      inventoryQuantity
      inventoryPolicy
      inventoryItem { id }
    }
    pageInfo { hasNextPage }
  }
}
"""
PRODUCT_VARIANTS_PER_PAGE = 20

PRODUCTS = Document(
    "SentiaProducts",
    """
query SentiaProducts(
  $first: Int!, $after: String, $query: String, $sortKey: ProductSortKeys!, $reverse: Boolean!, $variants: Int!
) {
  products(first: $first, after: $after, query: $query, sortKey: $sortKey, reverse: $reverse) {
    edges { cursor node { ...SentiaProduct } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
    + PRODUCT_FIELDS,
    page_size=20,
)

PRODUCT = Document(
    "SentiaProduct",
    """
query SentiaProduct($id: ID!, $variants: Int!) {
  product(id: $id) { ...SentiaProduct }
}
"""
    + PRODUCT_FIELDS,
)

PRODUCT_BY_HANDLE = Document(
    "SentiaProductByHandle",
    """
query SentiaProductByHandle($query: String!) {
  products(first: 1, query: $query) { nodes { id title handle } }
}
""",
)

CUSTOMERS = Document(
    "SentiaCustomers",
    """
query SentiaCustomers($first: Int!, $after: String, $query: String, $sortKey: CustomerSortKeys!, $reverse: Boolean!) {
  customers(first: $first, after: $after, query: $query, sortKey: $sortKey, reverse: $reverse) {
    edges {
      cursor
      node {
        id
        firstName
        lastName
        displayName
        state
        verifiedEmail
        tags
        numberOfOrders
        createdAt
        updatedAt
        defaultEmailAddress { emailAddress marketingState }
        defaultPhoneNumber { phoneNumber }
        defaultAddress { city province countryCodeV2 }
        amountSpent { amount currencyCode }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
""",
    page_size=150,
)

SHOP = Document(
    "SentiaShop",
    """
query SentiaShop {
  shop { name myshopifyDomain currencyCode ianaTimezone }
}
""",
)

LOCATIONS = Document(
    "SentiaLocations",
    """
query SentiaLocations($first: Int!, $after: String, $includeInactive: Boolean!) {
  locations(first: $first, after: $after, includeInactive: $includeInactive, sortKey: NAME) {
    edges { cursor node { id name isActive fulfillsOnlineOrders address { city countryCode } } }
    pageInfo { hasNextPage endCursor }
  }
}
""",
    page_size=100,
)

INVENTORY_QUANTITY_NAMES = ("available", "on_hand", "committed", "incoming")

LOCATION_LEVELS = Document(
    "SentiaLocationInventory",
    """
query SentiaLocationInventory($id: ID!, $first: Int!, $after: String, $names: [String!]!) {
  location(id: $id) {
    id
    name
    inventoryLevels(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          updatedAt
          quantities(names: $names) { name quantity }
          item { id sku tracked variant { id title product { id title } } }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
""",
    page_size=150,
)

VARIANT_STOCK = Document(
    "SentiaVariantStock",
    """
query SentiaVariantStock($variantId: ID!, $locationId: ID!) {
  productVariant(id: $variantId) {
    id
    title
    sku
    product { id title }
    inventoryItem {
      id
      tracked
      inventoryLevel(locationId: $locationId) { id quantities(names: ["available", "on_hand"]) { name quantity } }
    }
  }
  location(id: $locationId) { id name isActive }
}
""",
)

VARIANT = Document(
    "SentiaVariant",
    """
query SentiaVariant($id: ID!) {
  productVariant(id: $id) { id title sku price compareAtPrice product { id title } }
}
""",
)

PRODUCT_CREATE = Document(
    "SentiaProductCreate",
    """
mutation SentiaProductCreate($product: ProductCreateInput!, $variants: Int!) {
  productCreate(product: $product) {
    product { ...SentiaProduct }
    userErrors { field message }
  }
}
"""
    + PRODUCT_FIELDS,
    mutation=True,
)

PRODUCT_UPDATE = Document(
    "SentiaProductUpdate",
    """
mutation SentiaProductUpdate($product: ProductUpdateInput!, $variants: Int!) {
  productUpdate(product: $product) {
    product { ...SentiaProduct }
    userErrors { field message }
  }
}
"""
    + PRODUCT_FIELDS,
    mutation=True,
)

PRODUCT_DELETE = Document(
    "SentiaProductDelete",
    """
mutation SentiaProductDelete($id: ID!) {
  productDelete(input: { id: $id }) {
    deletedProductId
    userErrors { field message }
  }
}
""",
    mutation=True,
)

VARIANTS_BULK_UPDATE = Document(
    "SentiaVariantsBulkUpdate",
    """
mutation SentiaVariantsBulkUpdate($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) {
    productVariants { id title sku barcode price compareAtPrice }
    userErrors { code field message }
  }
}
""",
    mutation=True,
)

INVENTORY_SET_QUANTITIES = Document(
    "SentiaInventorySetQuantities",
    """
mutation SentiaInventorySetQuantities($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup {
      id
      createdAt
      reason
      referenceDocumentUri
      changes { name delta quantityAfterChange item { id } location { id name } }
    }
    userErrors { code field message }
  }
}
""",
    mutation=True,
)

ALL: tuple[Document, ...] = (
    ORDERS,
    ORDERS_WITH_LINES,
    ORDER_LINES,
    SALES_ORDERS,
    SALES_ORDERS_WITH_LINES,
    PRODUCTS,
    PRODUCT,
    PRODUCT_BY_HANDLE,
    CUSTOMERS,
    SHOP,
    LOCATIONS,
    LOCATION_LEVELS,
    VARIANT_STOCK,
    VARIANT,
    PRODUCT_CREATE,
    PRODUCT_UPDATE,
    PRODUCT_DELETE,
    VARIANTS_BULK_UPDATE,
    INVENTORY_SET_QUANTITIES,
)
