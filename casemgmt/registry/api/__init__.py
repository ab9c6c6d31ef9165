"""The registry's REST endpoints."""
