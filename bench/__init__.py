"""Benchmarks (not tests). Run ``python -m bench`` or ``python -m bench.bench_pages``."""
