"""Import: pasted text, web pages and Word files -> a Markdown bulletin and a draft of its figures."""
