from core.urls import include, path, re_path
from tests.project import views

blog_patterns = (
    [
        path("", views.Hello.as_view(), name="index"),
        path("<slug:slug>/", views.function_view, name="post"),
    ],
    "blog",
)

urlpatterns = [
    path("", views.Home.as_view(), name="home"),
    path("hello/", views.Hello.as_view(), name="hello"),
    path("echo/", views.Echo.as_view(), name="echo"),
    path("articles/<int:pk>/", views.Article.as_view(), name="article"),
    re_path(r"^archive/(?P<year>[0-9]{4})/$", views.Query.as_view(), name="archive"),
    path("boom/", views.Boom.as_view(), name="boom"),
    path("missing/", views.Missing.as_view()),
    path("forbidden/", views.Forbidden.as_view()),
    path("suspicious/", views.Suspicious.as_view()),
    path("not-a-response/", views.NotAResponse.as_view()),
    path("bad-header/", views.BadHeader.as_view()),
    path("query/", views.Query.as_view(), name="query"),
    path("to-home/", views.ToHome.as_view()),
    path("blog/", include(blog_patterns)),
]
