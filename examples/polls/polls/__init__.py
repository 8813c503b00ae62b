"""The polls app."""
