"""TechEmpower's test types in Falcon, with a SQLAlchemy session per request (middleware).

gunicorn falcon_app:application        DATABASE_URL=sqlite:///path or postgresql+psycopg://...
"""

import os
from pathlib import Path
from random import randint

import falcon
import jinja2
from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


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


class SQLAlchemySessionManager:
    """Open a session for each request and close it with the response (Falcon's recipe)."""

    def __init__(self, factory: sessionmaker[Session]):
        self.factory = factory

    def process_resource(self, req, resp, resource, params):
        req.context.session = self.factory()

    def process_response(self, req, resp, resource, req_succeeded):
        session = getattr(req.context, "session", None)
        if session is not None:
            if not req_succeeded:
                session.rollback()
            session.close()


templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True
)


def query_count(req):
    try:
        return min(max(int(req.get_param("n", default="1")), 1), 500)
    except ValueError:
        return 1


class PlaintextResource:
    def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "Hello, World!"


class JsonResource:
    def on_get(self, req, resp):
        resp.media = {"message": "Hello, World!"}


class DbResource:
    def on_get(self, req, resp):
        resp.media = req.context.session.get(World, randint(1, 10000)).to_dict()


class QueriesResource:
    def on_get(self, req, resp):
        session = req.context.session
        ids = [randint(1, 10000) for _ in range(query_count(req))]
        resp.media = [session.get(World, pk).to_dict() for pk in ids]


class FortunesResource:
    def on_get(self, req, resp):
        rows = list(req.context.session.scalars(select(Fortune)))
        rows.append(Fortune(id=0, message="Additional fortune added at request time."))
        rows.sort(key=lambda fortune: fortune.message)
        resp.content_type = falcon.MEDIA_HTML
        resp.text = templates.get_template("fortunes.html").render(fortunes=rows)


class UpdatesResource:
    def on_get(self, req, resp):
        session = req.context.session
        ids = [randint(1, 10000) for _ in range(query_count(req))]
        worlds = [session.get(World, pk) for pk in ids]
        for world in worlds:
            world.random_number = randint(1, 10000)
        resp.media = [world.to_dict() for world in worlds]  # before commit() expires them
        session.commit()


engine = create_engine(os.environ["DATABASE_URL"])
application = falcon.App(middleware=[SQLAlchemySessionManager(sessionmaker(engine))])
application.add_route("/plaintext", PlaintextResource())
application.add_route("/json", JsonResource())
application.add_route("/db", DbResource())
application.add_route("/queries", QueriesResource())
application.add_route("/fortunes", FortunesResource())
application.add_route("/updates", UpdatesResource())
