"""Inbound webhooks: capture requests a service sends, verify their signatures, infer them."""
