"""Review: what a pull request changes (git), who may change what, and the report
maintainers read."""
