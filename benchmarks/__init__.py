"""Benchmarks of parindex's vectorised scorer against the alternatives (SYNTHETIC data)."""
