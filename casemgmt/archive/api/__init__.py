"""The archive's REST endpoints."""
