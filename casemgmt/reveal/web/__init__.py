"""The reveal action (its view and URL)."""
