"""Benchmarks: figures for bench/results.json, never assertions on time."""
