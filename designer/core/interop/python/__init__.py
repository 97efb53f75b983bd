"""The typed Python client export: pydantic v2 models and an httpx client."""
