"""Static files: find them in the source directories, collect them, build URLs, serve them.

- `finders`: STATICFILES_DIRS, then each installed app's `static/`; first found wins.
- `storage`: what `collectstatic` writes into STATIC_ROOT: originals, content-hashed
  copies, gzip variants and the `staticfiles.json` manifest.
- `urls`: `static_url()`, behind the `static()` template global.
- `handlers`: the WSGI wrapper (on WhiteNoise) that `get_wsgi_application()` applies.
"""
