"""Services that every domain uses: sign-in and access (auth), user accounts, the audit chain,
the event log with its hub and buses. The platform never imports a domain: domains register
what it needs to know about them (their audited and evented models, parents and row rules)."""
