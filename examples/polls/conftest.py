"""pytest set-up of the mysite project: Stoa's plugin gives tests `client` and `settings`."""

import os

os.environ.setdefault("STOA_SETTINGS_MODULE", "mysite.settings")
