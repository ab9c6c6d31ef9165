"""Benchmarks with their own runner (`scripts/bench`): they print numbers, they never assert timings."""
