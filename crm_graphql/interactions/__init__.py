"""Interactions domain."""
