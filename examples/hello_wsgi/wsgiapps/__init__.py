"""Plain PEP 3333 applications and middleware: no framework, only the standard library.

    hello.application     says hello
    echo.application      answers with the request's WSGI environ
    reverse.ReverseBody   middleware that reverses text/plain response bodies

Each runs under any WSGI server (`python -m wsgiapps.serve`, gunicorn, uWSGI), and the
Stoa project beside them (`hello/`) mounts them among its own views.
"""
