"""crm-graphql: an open-source CRM backend served as one GraphQL API.

The package is layered; a module imports only from its own layer and the layers below it
(import-linter checks this in `make test`):

    core      settings, database engines and sessions, errors, ids, money, validators, crypto
    data      reading: the reader, generic loaders, keyset pagination, projection, access scopes
    graphql   the GraphQL kernel: context, relay, field factories, filters, payloads, the write
              transaction, the batched executor and the request security checks
    platform  services every domain uses: auth, users, audit, events; they learn about the
              domains through registration and never import one
    domains   customers, companies, tags, products, orders, interactions, pipelines, deals,
              leads, forecasts, dashboard, privacy: one folder each, in one shape
    app       the application: schema assembly, the Starlette app, the CLI, server processes
    devtools  deterministic demo data
"""

__version__ = "0.1.0"
