"""Render: Markdown to safe HTML, the Jinja environment, page planning, charts, the traditional mirror, data files."""
