"""Benchmark for nahbei: a content generator and `python -m bench --n N`."""
