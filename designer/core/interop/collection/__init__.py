"""What the collection importers share (Postman, Insomnia, HAR): recorded requests to
APIs and calls.
"""
