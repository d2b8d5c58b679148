"""The GraphQL kernel the domains build on: the per-request context, relay (Node, Connection),
the field factories that declare a relation once, arguments, scalars, filter inputs, mutation
payloads and the write transaction, the batched executor and the request security checks. It
knows neither the platform services nor the domains; they plug in by registration."""
