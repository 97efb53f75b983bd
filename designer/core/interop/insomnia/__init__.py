"""Insomnia v4 exports and v5 collections, design documents and environments."""
