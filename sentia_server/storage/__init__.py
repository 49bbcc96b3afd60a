"""Persistence: the async SQLAlchemy engine, the tables and their Alembic migrations."""
