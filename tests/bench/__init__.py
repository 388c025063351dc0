"""Benchmarks: run by hand or with ``make bench``; they print figures and assert nothing."""
