"""Unkept: validate complaint cases and compute whether brands kept their promises."""

__version__ = "0.1.0"

#: Version of the case file format; bumped on any incompatible change to the schemas.
FORMAT_VERSION = 1
