"""Benchmarks: `make bench` (or `python -m bench`) writes figures as JSON to bench/results/."""
