"""URL configuration of the jsonstore project: the store under /store/.

`/store/` lists the documents, `/store/<name>` is a whole document and
`/store/<name>/<pointer>` a part of it, e.g. `/store/users/0/name`.
"""

from core.urls import path
from core.views import RedirectView
from jsonstore import views

urlpatterns = [
    path("", RedirectView.as_view(url="/store/"), name="home"),
    path("store/", views.StoreIndex.as_view(), name="index"),
    path("store/<slug:name>", views.DocumentView.as_view(), name="document"),
    path("store/<slug:name>/<path:pointer_path>", views.DocumentView.as_view(), name="part"),
]
