"""Settings of the project the framework's own tests run against."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

DEBUG = False
SECRET_KEY = "tests-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["localhost", "testserver", ".example.com"]
INSTALLED_APPS = ["tests.project", "tests.crud", "core.auth"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "tests.project.urls"
TEMPLATES = {"DIRS": [], "APP_DIRS": True}
DATABASES = {"default": "sqlite://"}
LOGGING = None
