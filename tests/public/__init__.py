"""The public online intake, status lookup and their rate limits."""
