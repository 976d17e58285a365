"""Page builders: one module per kind of page; each returns Page objects."""
