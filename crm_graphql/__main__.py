"""`python -m crm_graphql` runs the command line."""

from crm_graphql.app.cli import app

app(prog_name="crm-graphql")
