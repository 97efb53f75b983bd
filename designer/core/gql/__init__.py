"""GraphQL calls: the request envelope, the schema from introspection, and the answer.

graphql-core does the parsing, validation and introspection; these modules
only connect it to calls, parameters and inferred structures.
"""
