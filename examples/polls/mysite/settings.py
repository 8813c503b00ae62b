"""Settings of the mysite project.

Every setting Stoa knows is described in docs/reference/settings.md. What differs between
development and production comes from the environment, so this file is the same in both.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Technical error pages. manage.py (runserver, shell) sets STOA_DEBUG=1; production does not.
DEBUG = os.environ.get("STOA_DEBUG", "").lower() in {"1", "true", "yes", "on"}

# Signs cookies and tokens. Set STOA_SECRET_KEY in production and keep it out of version control.
SECRET_KEY = os.environ.get(
    "STOA_SECRET_KEY", "insecure-example-key-for-development-only-set-STOA_SECRET_KEY"
)

# The host names this site answers to, e.g. STOA_ALLOWED_HOSTS=example.com,www.example.com.
ALLOWED_HOSTS = env_list("STOA_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

# The apps of this project. Each may have models, urls, templates/ and management commands.
INSTALLED_APPS = [
    # Users, groups and permissions; their tables come with this project's migrations.
    "core.auth",
    # The admin at /admin/ (its log table too): python manage.py createsuperuser, then log in.
    "core.admin",
    "mysite",
    # Questions and choices: polls/models.py, views.py, admin.py and templates/polls/.
    "polls",
]

# Called around every view, outermost first.
MIDDLEWARE = [
    # Security headers (nosniff, Referrer-Policy, Cross-Origin-Opener-Policy); HTTPS
    # redirect, HSTS and a Content-Security-Policy when the settings below ask for them.
    "core.middleware.security.SecurityMiddleware",
    # 503 for everyone while `manage.py down` is in force (checked once a second).
    "core.middleware.maintenance.MaintenanceMiddleware",
    # request.session: signed cookies by default (SESSION_ENGINE), never in process memory.
    "core.middleware.sessions.SessionMiddleware",
    # Refuses POST, PUT, PATCH and DELETE without a valid CSRF token (csrf_input() in forms).
    "core.middleware.csrf.CsrfViewMiddleware",
    # request.user: the logged-in user, or an anonymous one.
    "core.middleware.auth.AuthenticationMiddleware",
    # messages.success(request, "...") and friends, shown once.
    "core.middleware.messages.MessageMiddleware",
    # X-Frame-Options: DENY, so other sites cannot frame these pages (clickjacking).
    "core.middleware.clickjacking.XFrameOptionsMiddleware",
    # request.db: one session per request, committed on success, rolled back on error.
    "core.middleware.db.DatabaseMiddleware",
]

# Behind HTTPS in production, set STOA_HTTPS=1: cookies become Secure, plain HTTP is
# redirected to HTTPS and browsers are told to stay on HTTPS for a year (HSTS).
HTTPS = os.environ.get("STOA_HTTPS", "").lower() in {"1", "true", "yes", "on"}
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0

# Behind a proxy (nginx), list its addresses: STOA_TRUSTED_PROXIES=127.0.0.1. Requests from
# it take the visitor's address (request.remote_addr) from X-Forwarded-For and count as
# https when its X-Forwarded-Proto says so; from any other peer these headers are ignored.
TRUSTED_PROXIES = env_list("STOA_TRUSTED_PROXIES", "")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None

ROOT_URLCONF = "mysite.urls"

# Jinja2 templates: DIRS first, then each app's templates/ directory.
TEMPLATES = {
    "DIRS": [],
    "APP_DIRS": True,
    "EXTENSIONS": [],
    # `request`, `csrf_input()`, `csrf_token` and `csp_nonce` are always there.
    "CONTEXT_PROCESSORS": [
        "core.context_processors.debug",
        "core.context_processors.messages",
    ],
    "OPTIONS": {},
}

# SQLAlchemy URLs. The DATABASE_URL environment variable overrides "default", e.g.
# DATABASE_URL=postgresql+psycopg://user@localhost/mysite
DATABASES = {
    "default": f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
}

# Static files (CSS, JavaScript, images).
STATIC_URL = "/static/"
STATIC_ROOT = str(BASE_DIR / "staticfiles")
STATICFILES_DIRS: list[str] = []

# Logging: merged over Stoa's defaults, which log server errors with tracebacks to stderr.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("STOA_LOG_LEVEL", "WARNING")},
}
