"""Benchmarks: scripts that measure what a run costs (run them from the repository root)."""
