"""The scorecard tables."""
