"""vanban: Vietnamese administrative documents → citation and responsibility graph."""

__version__ = "0.1.0"
