"""Full CRUD on two related models, through the generic views alone."""

from __future__ import annotations

from core.views import CreateView, DeleteView, DetailView, ListView, UpdateView
from tests.crud.models import Book, Shelf


class ShelfList(ListView[Shelf]):
    model = Shelf
    ordering = "name"
    orderings = ("name", "-name", "id", "-id")
    paginate_by = 3


class ShelfDetail(DetailView[Shelf]):
    model = Shelf


class ShelfCreate(CreateView[Shelf]):
    model = Shelf
    fields = ["name"]


class ShelfUpdate(UpdateView[Shelf]):
    model = Shelf
    fields = ["name"]
    success_url = "/shelves/{id}/"


class ShelfDelete(DeleteView[Shelf]):
    model = Shelf
    success_url = "/shelves/"


class BookCreate(CreateView[Book]):
    model = Book
    fields = ["title", "summary", "pages", "shelf_id"]
    success_url = "/shelves/{shelf_id}/"


class BookDetail(DetailView[Book]):
    model = Book
