"""Runners that map the per-file stage of the build over other engines (optional extras)."""
