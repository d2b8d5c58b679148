"""The audit log: who changed what, when and from where, in an append-only hash chain.

models.py holds the table, service.py appends and verifies the chain, recorder.py collects
the changes a write transaction flushes, and types/inputs/queries.py serve it over GraphQL.
"""
