"""Output: where a build may write, and the writers: a staged swap, a patch of changed files, in place for the preview."""
