"""The jsonstore project."""
