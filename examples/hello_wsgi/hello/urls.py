"""URL configuration of the hello project: its view, and plain WSGI applications mounted.

`mount()` hands every path under its prefix to a PEP 3333 application: for
`/echo/a/b?x=1` the echo application sees SCRIPT_NAME "/echo" and PATH_INFO "/a/b".
The mounted applications' answers pass through the project's middleware like a view's.
"""

from core.urls import mount, path
from hello import views
from wsgiapps.echo import application as echo_app
from wsgiapps.hello import application as hello_app
from wsgiapps.reverse import ReverseBody

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    mount("hello/", hello_app, name="hello"),
    mount("echo/", echo_app, name="echo"),
    mount("reversed/", ReverseBody(hello_app), name="reversed"),
]
