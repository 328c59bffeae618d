"""Export: the open data, feeds, calendars, badges and status reports readers download."""
