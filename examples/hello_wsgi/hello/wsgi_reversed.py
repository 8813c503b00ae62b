"""The project's application inside the ReverseBody middleware, for production servers.

    gunicorn hello.wsgi_reversed

Plain WSGI middleware wraps Stoa's `application` as it wraps any other: every text/plain
answer of the site, its own views' and the mounted applications', comes out reversed.
"""

from hello.wsgi import application as stoa_application
from wsgiapps.reverse import ReverseBody

application = ReverseBody(stoa_application)
