"""A local mock of a workspace's APIs and the values it answers with."""
