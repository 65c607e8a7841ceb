"""Deterministic checks: quotes, numbers."""
