"""Tools for developers: deterministic, realistic demo data of any size."""
