"""WSGI entry point of the hello project, for production servers.

    gunicorn hello.wsgi

Plain WSGI middleware can wrap the application here: application = Wrapper(application).
"""

import os

from core.wsgi import get_wsgi_application

os.environ.setdefault("STOA_SETTINGS_MODULE", "hello.settings")

application = get_wsgi_application()
