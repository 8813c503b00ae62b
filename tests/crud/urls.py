from core.urls import path
from tests.crud import views

urlpatterns = [
    path("shelves/", views.ShelfList.as_view(), name="shelf-list"),
    path("shelves/new/", views.ShelfCreate.as_view(), name="shelf-create"),
    path("shelves/<int:pk>/", views.ShelfDetail.as_view(), name="shelf-detail"),
    path("shelves/<int:pk>/edit/", views.ShelfUpdate.as_view(), name="shelf-update"),
    path("shelves/<int:pk>/delete/", views.ShelfDelete.as_view(), name="shelf-delete"),
    path("books/new/", views.BookCreate.as_view(), name="book-create"),
    path("books/<int:pk>/", views.BookDetail.as_view(), name="book-detail"),
]
