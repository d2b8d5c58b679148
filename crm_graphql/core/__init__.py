"""The kernel every other layer builds on: settings, the database (declarative base, engines,
write sessions), domain errors, global IDs, money, validators, encryption and migrations. It
imports nothing else of the package."""
