"""Streaming responses read as events: Server-Sent Events and JSON Lines, as they arrive.

The bottom of the core's layers (it needs only httpx and the error tree):
:mod:`.events` turns bytes into events. Above it, :mod:`designer.core.inference.stream`
describes a stream as one ordinary structure, and :mod:`designer.core.calls.stream_log`
and :mod:`designer.core.calls.stream_read` receive a live stream, bounded.
"""
