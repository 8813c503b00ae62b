"""gunicorn settings of the mysite project.

    gunicorn -c gunicorn.conf.py            # or: gunicorn mysite.wsgi

gunicorn reads this file from the current directory in both cases. Every value can be
overridden on the command line or through the environment variables named below.
"""

import multiprocessing
import os

wsgi_app = "mysite.wsgi:application"

# Where to listen. Behind nginx on the same host, keep the loopback address.
bind = os.environ.get("STOA_BIND", "127.0.0.1:8000")

# Synchronous workers: (2 x cores) + 1 is gunicorn's rule of thumb.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))

# Kill a worker stuck on one request for this long; give running requests this long on restart.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30

# Recycle workers now and then, so a slow leak in any library cannot grow forever.
max_requests = 10_000
max_requests_jitter = 1_000

# Access log to stdout, errors (and Stoa's log) to stderr.
accesslog = "-"
errorlog = "-"

# gunicorn trusts X-Forwarded-Proto only from these addresses (the proxy in front of it).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
