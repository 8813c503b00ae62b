"""Models of the mysite project: SQLAlchemy 2 classes on orm.Model.

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

class Article(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
"""

from orm import Model  # noqa: F401
