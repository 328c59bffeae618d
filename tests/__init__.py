"""Unkept test suite."""
