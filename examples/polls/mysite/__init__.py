"""The mysite project."""
