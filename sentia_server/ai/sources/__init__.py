"""The business data the AI tools fetch themselves, through the same client access the Shopify and Xero tools use
(`tools.shopify.common`, `tools.xero.common`) and the integrations' own reads. A caller needs the read permission
of the data (commerce:read, financial:read) besides ai:use."""
