"""The pure core: case values, deadlines, statuses and rankings. Imports nothing else of
the package, does no I/O, and every function here is reproducible from data and a date."""
