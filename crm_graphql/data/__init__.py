"""Reading the database: the reader (one connection per statement), the generic loaders that
serve every relation, keyset pagination, column projection, record lookups for writes and the
row-level access rules that every statement applies. No GraphQL here."""
