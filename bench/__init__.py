"""Benchmarks: long, load-heavy runs that print their figures (not part of `make test`)."""
