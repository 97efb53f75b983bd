"""curl commands: parsed as vendor docs write them, imported as calls, exported."""
