"""Benchmark harness for Unkept (`make bench`): synthetic corpora, floors and measurements."""
