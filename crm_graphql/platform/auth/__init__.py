"""Identity and access: sign-in, tokens, roles, row scopes."""
