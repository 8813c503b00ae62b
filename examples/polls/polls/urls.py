"""URLs of the polls app: include them with path("polls/", include("polls.urls"))."""

from core.urls import path
from polls import views

app_name = "polls"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("<int:pk>/", views.QuestionDetailView.as_view(), name="detail"),
    path("<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("<int:pk>/vote/", views.VoteView.as_view(), name="vote"),
]
