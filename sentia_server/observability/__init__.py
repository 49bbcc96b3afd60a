"""Logging now; metrics and business measures build on it."""
