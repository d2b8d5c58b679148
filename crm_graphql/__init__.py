"""crm-graphql: an open-source CRM backend served as one GraphQL API."""

__version__ = "0.1.0"
