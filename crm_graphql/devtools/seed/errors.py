from __future__ import annotations


class SeedError(ValueError):
    """The database cannot be seeded (it already holds data, or the arguments are unusable)."""
