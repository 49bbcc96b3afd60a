"""One async cache interface with an in-memory LRU+TTL backend (default) and a Redis backend."""

from sentia_server.cache.base import Cache, CacheHealth, CacheTier
from sentia_server.cache.factory import build_cache
from sentia_server.cache.keys import tool_cache_key

__all__ = ["Cache", "CacheHealth", "CacheTier", "build_cache", "tool_cache_key"]
