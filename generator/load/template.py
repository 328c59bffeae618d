"""The case template (`cases/_template.yml`): its file name and the placeholders `unkept new`
fills in; a case still holding them is refused."""

TEMPLATE = "_template.yml"
TEMPLATE_DATE = "2026-01-05"
"""The template's example date, replaced by today's."""
TEMPLATE_HANDLE = "your-github-handle"
"""The template's submitter, replaced by `--by`."""
