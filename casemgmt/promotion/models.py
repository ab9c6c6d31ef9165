"""The promotion tables."""
