"""The subset of Shopify's GraphQL Admin API (version 2026-10) that the simulator serves, in Shopify's own names.

Only what Sentia's server uses is declared: a field or enum value missing here is one the server must not send,
and the fidelity test (every document the server sends is validated against this schema) keeps the two in step.
Reference: https://shopify.dev/docs/api/admin-graphql/2026-10
"""

from __future__ import annotations

from functools import cache

from graphql import GraphQLSchema, build_schema

API_VERSIONS = ("2026-10",)
"""The versions the simulator answers; any other version path answers 404 like an unknown Shopify route."""

SDL = '''
"""Deduplicates retried mutations; required on inventory mutations from 2026-04."""
directive @idempotent(key: String!) on FIELD

scalar DateTime
scalar Decimal
scalar Money
scalar UnsignedInt64
scalar HTML

schema {
  query: QueryRoot
  mutation: Mutation
}

type QueryRoot {
  shop: Shop!
  order(id: ID!): Order
  orders(
    first: Int
    after: String
    query: String
    sortKey: OrderSortKeys = ID
    reverse: Boolean = false
  ): OrderConnection!
  product(id: ID!): Product
  products(
    first: Int
    after: String
    query: String
    sortKey: ProductSortKeys = ID
    reverse: Boolean = false
  ): ProductConnection!
  productVariant(id: ID!): ProductVariant
  customers(
    first: Int
    after: String
    query: String
    sortKey: CustomerSortKeys = ID
    reverse: Boolean = false
  ): CustomerConnection!
  location(id: ID): Location
  locations(
    first: Int
    after: String
    query: String
    sortKey: LocationSortKeys = NAME
    reverse: Boolean = false
    includeInactive: Boolean = false
  ): LocationConnection!
  inventoryItem(id: ID!): InventoryItem
  inventoryItems(first: Int, after: String, query: String, reverse: Boolean = false): InventoryItemConnection!
}

type Mutation {
  productCreate(product: ProductCreateInput): ProductCreatePayload
  productUpdate(product: ProductUpdateInput): ProductUpdatePayload
  productDelete(input: ProductDeleteInput!, synchronous: Boolean = true): ProductDeletePayload
  productVariantsBulkUpdate(
    productId: ID!
    variants: [ProductVariantsBulkInput!]!
    allowPartialUpdates: Boolean = false
  ): ProductVariantsBulkUpdatePayload
  inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload
}

enum CurrencyCode { EUR GBP USD }
enum CountryCode { BE DE ES FR GB IE IT NL US }

type Shop {
  id: ID!
  name: String!
  email: String!
  myshopifyDomain: String!
  currencyCode: CurrencyCode!
  ianaTimezone: String!
}

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type MoneyV2 {
  amount: Decimal!
  currencyCode: CurrencyCode!
}

type MoneyBag {
  shopMoney: MoneyV2!
  presentmentMoney: MoneyV2!
}

type MailingAddress {
  city: String
  province: String
  country: String
  countryCodeV2: CountryCode
  zip: String
}

type Count {
  count: Int!
  precision: CountPrecision!
}

enum CountPrecision { AT_LEAST EXACT }

type UserError {
  field: [String!]
  message: String!
}

# Orders

enum OrderSortKeys { CREATED_AT ID ORDER_NUMBER PROCESSED_AT TOTAL_PRICE UPDATED_AT }
enum OrderDisplayFinancialStatus { AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED }
enum OrderDisplayFulfillmentStatus {
  FULFILLED FULFILLMENT_NOT_REQUIRED IN_PROGRESS ON_HOLD OPEN PARTIALLY_FULFILLED PENDING_FULFILLMENT
  REQUEST_DECLINED RESTOCKED SCHEDULED UNFULFILLED
}
enum OrderCancelReason { CUSTOMER DECLINED FRAUD INVENTORY OTHER STAFF }

type Order {
  id: ID!
  name: String!
  email: String
  createdAt: DateTime!
  updatedAt: DateTime!
  processedAt: DateTime!
  cancelledAt: DateTime
  cancelReason: OrderCancelReason
  closed: Boolean!
  closedAt: DateTime
  currencyCode: CurrencyCode!
  presentmentCurrencyCode: CurrencyCode!
  displayFinancialStatus: OrderDisplayFinancialStatus
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
  taxesIncluded: Boolean!
  tags: [String!]!
  subtotalLineItemsQuantity: Int!
  customer: Customer
  shippingAddress: MailingAddress
  subtotalPriceSet: MoneyBag
  totalDiscountsSet: MoneyBag
  totalShippingPriceSet: MoneyBag!
  totalTaxSet: MoneyBag
  totalPriceSet: MoneyBag!
  totalRefundedSet: MoneyBag!
  lineItems(first: Int, after: String, reverse: Boolean = false): LineItemConnection!
}

type OrderConnection {
  edges: [OrderEdge!]!
  nodes: [Order!]!
  pageInfo: PageInfo!
}

type OrderEdge {
  cursor: String!
  node: Order!
}

type LineItem {
  id: ID!
  name: String!
  title: String!
  variantTitle: String
  sku: String
  vendor: String
  quantity: Int!
  currentQuantity: Int!
  variant: ProductVariant
  product: Product
  originalUnitPriceSet: MoneyBag!
  originalTotalSet: MoneyBag!
  totalDiscountSet: MoneyBag!
  discountedTotalSet: MoneyBag!
}

type LineItemConnection {
  edges: [LineItemEdge!]!
  nodes: [LineItem!]!
  pageInfo: PageInfo!
}

type LineItemEdge {
  cursor: String!
  node: LineItem!
}

# Products

enum ProductStatus { ACTIVE ARCHIVED DRAFT UNLISTED }
enum ProductSortKeys { CREATED_AT ID INVENTORY_TOTAL PRODUCT_TYPE TITLE UPDATED_AT VENDOR }
enum ProductVariantInventoryPolicy { CONTINUE DENY }
enum WeightUnit { GRAMS KILOGRAMS OUNCES POUNDS }

type SEO {
  title: String
  description: String
}

type ProductPriceRangeV2 {
  minVariantPrice: MoneyV2!
  maxVariantPrice: MoneyV2!
}

type Product {
  id: ID!
  title: String!
  handle: String!
  descriptionHtml: HTML!
  vendor: String!
  productType: String!
  status: ProductStatus!
  tags: [String!]!
  createdAt: DateTime!
  updatedAt: DateTime!
  publishedAt: DateTime
  totalInventory: Int!
  tracksInventory: Boolean!
  seo: SEO!
  priceRangeV2: ProductPriceRangeV2!
  variantsCount: Count
  variants(first: Int, after: String, reverse: Boolean = false): ProductVariantConnection!
}

type ProductConnection {
  edges: [ProductEdge!]!
  nodes: [Product!]!
  pageInfo: PageInfo!
}

type ProductEdge {
  cursor: String!
  node: Product!
}

type ProductVariant {
  id: ID!
  title: String!
  displayName: String!
  sku: String
  barcode: String
  price: Money!
  compareAtPrice: Money
  position: Int!
  taxable: Boolean!
  inventoryPolicy: ProductVariantInventoryPolicy!
  inventoryQuantity: Int
  createdAt: DateTime!
  updatedAt: DateTime!
  product: Product!
  inventoryItem: InventoryItem!
}

type ProductVariantConnection {
  edges: [ProductVariantEdge!]!
  nodes: [ProductVariant!]!
  pageInfo: PageInfo!
}

type ProductVariantEdge {
  cursor: String!
  node: ProductVariant!
}

# Customers

enum CustomerSortKeys { CREATED_AT ID NAME UPDATED_AT }
enum CustomerState { DECLINED DISABLED ENABLED INVITED }
enum CustomerEmailAddressMarketingState { INVALID NOT_SUBSCRIBED PENDING SUBSCRIBED UNSUBSCRIBED }

type CustomerEmailAddress {
  emailAddress: String!
  marketingState: CustomerEmailAddressMarketingState!
}

type CustomerPhoneNumber {
  phoneNumber: String!
}

type Customer {
  id: ID!
  firstName: String
  lastName: String
  displayName: String!
  defaultEmailAddress: CustomerEmailAddress
  defaultPhoneNumber: CustomerPhoneNumber
  defaultAddress: MailingAddress
  state: CustomerState!
  verifiedEmail: Boolean!
  tags: [String!]!
  note: String
  numberOfOrders: UnsignedInt64!
  amountSpent: MoneyV2!
  createdAt: DateTime!
  updatedAt: DateTime!
}

type CustomerConnection {
  edges: [CustomerEdge!]!
  nodes: [Customer!]!
  pageInfo: PageInfo!
}

type CustomerEdge {
  cursor: String!
  node: Customer!
}

# Inventory and locations

enum LocationSortKeys { ID NAME }

type LocationAddress {
  address1: String
  city: String
  province: String
  countryCode: String
  zip: String
}

type Location {
  id: ID!
  name: String!
  isActive: Boolean!
  fulfillsOnlineOrders: Boolean!
  address: LocationAddress!
  inventoryLevel(inventoryItemId: ID!): InventoryLevel
  inventoryLevels(first: Int, after: String, query: String, reverse: Boolean = false): InventoryLevelConnection!
}

type LocationConnection {
  edges: [LocationEdge!]!
  nodes: [Location!]!
  pageInfo: PageInfo!
}

type LocationEdge {
  cursor: String!
  node: Location!
}

type Weight {
  value: Float!
  unit: WeightUnit!
}

type InventoryItemMeasurement {
  id: ID!
  weight: Weight
}

type InventoryItem {
  id: ID!
  sku: String
  tracked: Boolean!
  requiresShipping: Boolean!
  unitCost: MoneyV2
  measurement: InventoryItemMeasurement!
  createdAt: DateTime!
  updatedAt: DateTime!
  variant: ProductVariant!
  inventoryLevel(locationId: ID!): InventoryLevel
  inventoryLevels(first: Int, after: String, query: String, reverse: Boolean = false): InventoryLevelConnection!
}

type InventoryItemConnection {
  edges: [InventoryItemEdge!]!
  nodes: [InventoryItem!]!
  pageInfo: PageInfo!
}

type InventoryItemEdge {
  cursor: String!
  node: InventoryItem!
}

type InventoryQuantity {
  id: ID!
  name: String!
  quantity: Int!
  updatedAt: DateTime
}

type InventoryLevel {
  id: ID!
  createdAt: DateTime!
  updatedAt: DateTime!
  item: InventoryItem!
  location: Location!
  quantities(names: [String!]!): [InventoryQuantity!]!
}

type InventoryLevelConnection {
  edges: [InventoryLevelEdge!]!
  nodes: [InventoryLevel!]!
  pageInfo: PageInfo!
}

type InventoryLevelEdge {
  cursor: String!
  node: InventoryLevel!
}

# Product mutations

input SEOInput {
  title: String
  description: String
}

input ProductCreateInput {
  title: String
  handle: String
  descriptionHtml: String
  vendor: String
  productType: String
  tags: [String!]
  status: ProductStatus
  seo: SEOInput
}

input ProductUpdateInput {
  id: ID
  title: String
  handle: String
  descriptionHtml: String
  vendor: String
  productType: String
  tags: [String!]
  status: ProductStatus
  seo: SEOInput
}

input ProductDeleteInput {
  id: ID!
}

type ProductCreatePayload {
  product: Product
  userErrors: [UserError!]!
}

type ProductUpdatePayload {
  product: Product
  userErrors: [UserError!]!
}

type ProductDeletePayload {
  deletedProductId: ID
  shop: Shop!
  userErrors: [UserError!]!
}

input WeightInput {
  value: Float!
  unit: WeightUnit!
}

input InventoryItemMeasurementInput {
  weight: WeightInput
}

input InventoryItemInput {
  sku: String
  cost: Decimal
  tracked: Boolean
  requiresShipping: Boolean
  measurement: InventoryItemMeasurementInput
}

input ProductVariantsBulkInput {
  id: ID
  price: Money
  compareAtPrice: Money
  barcode: String
  taxable: Boolean
  inventoryPolicy: ProductVariantInventoryPolicy
  inventoryItem: InventoryItemInput
}

enum ProductVariantsBulkUpdateUserErrorCode {
  INVALID_INPUT NEED_TO_ADD_OPTION_VALUES PRODUCT_DOES_NOT_EXIST PRODUCT_VARIANT_DOES_NOT_EXIST
  PRODUCT_VARIANT_ID_MISSING
}

type ProductVariantsBulkUpdateUserError {
  code: ProductVariantsBulkUpdateUserErrorCode
  field: [String!]
  message: String!
}

type ProductVariantsBulkUpdatePayload {
  product: Product
  productVariants: [ProductVariant!]
  userErrors: [ProductVariantsBulkUpdateUserError!]!
}

# Inventory mutation

input InventoryQuantityInput {
  inventoryItemId: ID!
  locationId: ID!
  quantity: Int!
  changeFromQuantity: Int
}

input InventorySetQuantitiesInput {
  name: String!
  reason: String!
  referenceDocumentUri: String
  quantities: [InventoryQuantityInput!]!
}

enum InventorySetQuantitiesUserErrorCode {
  CHANGE_FROM_QUANTITY_STALE IDEMPOTENCY_KEY_PARAMETER_MISMATCH INVALID_INVENTORY_ITEM INVALID_LOCATION
  INVALID_NAME INVALID_QUANTITY_NEGATIVE INVALID_REASON ITEM_NOT_STOCKED_AT_LOCATION
  NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR
}

type InventorySetQuantitiesUserError {
  code: InventorySetQuantitiesUserErrorCode
  field: [String!]
  message: String!
}

type InventoryChange {
  name: String!
  delta: Int!
  quantityAfterChange: Int
  item: InventoryItem
  location: Location
}

type InventoryAdjustmentGroup {
  id: ID!
  createdAt: DateTime!
  reason: String!
  referenceDocumentUri: String
  changes: [InventoryChange!]!
}

type InventorySetQuantitiesPayload {
  inventoryAdjustmentGroup: InventoryAdjustmentGroup
  userErrors: [InventorySetQuantitiesUserError!]!
}
'''


@cache
def admin_schema() -> GraphQLSchema:
    """The schema, built once per process (resolvers are attached by `resolvers.bind`)."""
    return build_schema(SDL)
