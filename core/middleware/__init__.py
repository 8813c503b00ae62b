"""Middleware shipped with Stoa: each is a factory taking `get_response`."""
