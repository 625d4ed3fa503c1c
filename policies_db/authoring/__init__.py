"""Writing and checking the catalogue: its schema, the YAML loader, the checks (cases, coverage,
excerpts), the SQL store and its digest, synthetic catalogues, and drafting from a policy text."""
