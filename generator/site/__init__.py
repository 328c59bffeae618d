"""Render the site: plan the pages, render them from the templates into docs/, and run
MkDocs to build the site, swapped into place only when complete."""
