"""TechEmpower's test types in Bottle, with a SQLAlchemy session per request and Jinja2.

gunicorn bottle_app:application        DATABASE_URL=sqlite:///path or postgresql+psycopg://...
"""

import json
import os
from functools import partial
from pathlib import Path
from random import randint

import bottle
from bottle import Bottle, jinja2_template, request, response
from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class World(Base):
    __tablename__ = "world"
    id: Mapped[int] = mapped_column(primary_key=True)
    random_number: Mapped[int] = mapped_column("randomnumber")

    def to_dict(self):
        return {"id": self.id, "randomNumber": self.random_number}


class Fortune(Base):
    __tablename__ = "fortune"
    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[str] = mapped_column(String(2048))


engine = create_engine(os.environ["DATABASE_URL"])
app = Bottle()
bottle.TEMPLATE_PATH.insert(0, str(Path(__file__).parent / "templates"))
template = partial(jinja2_template, template_settings={"autoescape": True})


def query_count():
    try:
        return min(max(int(request.query.get("n", "1")), 1), 500)
    except ValueError:
        return 1


def as_json(data):
    response.content_type = "application/json"
    return json.dumps(data)


@app.get("/plaintext")
def plaintext():
    response.content_type = "text/plain"
    return "Hello, World!"


@app.get("/json")
def json_view():
    return {"message": "Hello, World!"}


@app.get("/db")
def single_query():
    with Session(engine) as session:
        return session.get(World, randint(1, 10000)).to_dict()


@app.get("/queries")
def queries():
    ids = [randint(1, 10000) for _ in range(query_count())]
    with Session(engine) as session:
        return as_json([session.get(World, pk).to_dict() for pk in ids])


@app.get("/fortunes")
def fortunes():
    with Session(engine) as session:
        rows = list(session.scalars(select(Fortune)))
    rows.append(Fortune(id=0, message="Additional fortune added at request time."))
    rows.sort(key=lambda fortune: fortune.message)
    return template("fortunes.html", fortunes=rows)


@app.get("/updates")
def updates():
    ids = [randint(1, 10000) for _ in range(query_count())]
    with Session(engine) as session, session.begin():
        worlds = [session.get(World, pk) for pk in ids]
        for world in worlds:
            world.random_number = randint(1, 10000)
        result = [world.to_dict() for world in worlds]
    return as_json(result)


application = app
