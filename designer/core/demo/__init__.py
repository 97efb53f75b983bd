"""The demo API the application serves itself, its data and its GraphQL endpoint."""
