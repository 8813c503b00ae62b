"""WSGI entry point of the mysite project, for production servers.

    gunicorn mysite.wsgi

Plain WSGI middleware can wrap the application here: application = Wrapper(application).
"""

import os

from core.wsgi import get_wsgi_application

os.environ.setdefault("STOA_SETTINGS_MODULE", "mysite.settings")

application = get_wsgi_application()
