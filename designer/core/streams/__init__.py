"""Streaming responses: Server-Sent Events and JSON Lines read as events, as they arrive.

Plain Python like the rest of the core: :mod:`.events` reads bytes into
events, :mod:`.log` keeps a bounded record of a stream as it is received, and
:mod:`.structure` describes a stream as one ordinary :class:`~designer.core.structure.Shape`.
"""
