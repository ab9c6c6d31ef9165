"""The registry's pages (staff) and the public directory (no sign-in)."""
