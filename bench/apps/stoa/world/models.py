"""Models of the world app: TechEmpower's World and Fortune tables."""

from orm import Model
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


class World(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    random_number: Mapped[int] = mapped_column("randomnumber")

    def to_dict(self) -> dict[str, int]:
        return {"id": self.id, "randomNumber": self.random_number}


class Fortune(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[str] = mapped_column(String(2048))
