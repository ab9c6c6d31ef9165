"""The public side (no sign-in): online intake, the status lookup, and the rate limits that guard them."""
