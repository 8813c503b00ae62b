"""URLs of the to-do app: path("todo/", include("todo.urls")) in the project's urls.py."""

from core.urls import path
from todo import views

app_name = "todo"

urlpatterns = [
    path("", views.ChecklistList.as_view(), name="list"),
    path("new/", views.ChecklistCreate.as_view(), name="create"),
    path("<int:pk>/", views.ChecklistDetail.as_view(), name="detail"),
    path("<int:pk>/delete/", views.ChecklistDelete.as_view(), name="delete"),
    path("<int:pk>/tasks/", views.TaskCreate.as_view(), name="add-task"),
    path("<int:pk>/tasks/<int:task_id>/toggle/", views.TaskToggle.as_view(), name="toggle"),
]
