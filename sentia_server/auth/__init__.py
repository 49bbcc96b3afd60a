"""Who is calling, and what they may do: principals, roles and permissions, API keys and JWT verification."""
