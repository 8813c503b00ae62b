"""Sessions: `request.session`, kept in a signed cookie, the database or Redis.

List "core.sessions" in INSTALLED_APPS when SESSION_ENGINE is the database backend, so
that `makemigrations` picks up its table. See docs/topics/sessions.md.
"""
