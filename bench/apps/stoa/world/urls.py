"""URLs of the world app."""

from core.urls import path

from world import views

app_name = "world"

urlpatterns = [
    path("plaintext", views.PlaintextView.as_view(), name="plaintext"),
    path("json", views.JsonView.as_view(), name="json"),
    path("db", views.DbView.as_view(), name="db"),
    path("queries", views.QueriesView.as_view(), name="queries"),
    path("fortunes", views.FortunesView.as_view(), name="fortunes"),
    path("updates", views.UpdatesView.as_view(), name="updates"),
    path("async/plaintext", views.AsyncPlaintextView.as_view()),
    path("async/json", views.AsyncJsonView.as_view()),
    path("async/db", views.AsyncDbView.as_view()),
]
