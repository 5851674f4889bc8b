"""Documents in: reading, structure and candidate extraction."""
