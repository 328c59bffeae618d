"""Load and validate: find the case files, read them strictly, check them against the
schemas and the named rules, and keep a validation cache."""
