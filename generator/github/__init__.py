"""The GitHub side: an HTTP client, GitHub's API, the Wayback Machine, reminders,
releases, proposals and the new-case issue form."""
