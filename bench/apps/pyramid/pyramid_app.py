"""TechEmpower's test types in Pyramid, laid out as its cookiecutter does: pyramid_tm and
zope.sqlalchemy for a request-scoped session (`request.dbsession`), pyramid_jinja2 renderers.

    gunicorn pyramid_app:application        DATABASE_URL=sqlite:///path or postgresql+psycopg://...
"""

import os
from pathlib import Path
from random import randint

import zope.sqlalchemy
from pyramid.config import Configurator
from pyramid.response import Response
from pyramid.view import view_config
from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker


class Base(DeclarativeBase):
    pass


class World(Base):
    __tablename__ = "world"
    id: Mapped[int] = mapped_column(primary_key=True)
    random_number: Mapped[int] = mapped_column("randomnumber")

    def __json__(self, request):
        return {"id": self.id, "randomNumber": self.random_number}


class Fortune(Base):
    __tablename__ = "fortune"
    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[str] = mapped_column(String(2048))


def query_count(request):
    try:
        return min(max(int(request.GET.get("n", "1")), 1), 500)
    except ValueError:
        return 1


@view_config(route_name="plaintext")
def plaintext(request):
    return Response("Hello, World!", content_type="text/plain")


@view_config(route_name="json", renderer="json")
def json_view(request):
    return {"message": "Hello, World!"}


@view_config(route_name="db", renderer="json")
def single_query(request):
    return request.dbsession.get(World, randint(1, 10000))


@view_config(route_name="queries", renderer="json")
def queries(request):
    ids = [randint(1, 10000) for _ in range(query_count(request))]
    return [request.dbsession.get(World, pk) for pk in ids]


@view_config(route_name="fortunes", renderer="fortunes.jinja2")
def fortunes(request):
    rows = list(request.dbsession.scalars(select(Fortune)))
    rows.append(Fortune(id=0, message="Additional fortune added at request time."))
    rows.sort(key=lambda fortune: fortune.message)
    return {"fortunes": rows}


@view_config(route_name="updates", renderer="json")
def updates(request):
    ids = [randint(1, 10000) for _ in range(query_count(request))]
    worlds = [request.dbsession.get(World, pk) for pk in ids]
    for world in worlds:
        world.random_number = randint(1, 10000)
    return worlds  # pyramid_tm commits when the view returns


def includeme_models(config):
    """The cookiecutter's models/__init__.py: a session per request, joined to the transaction."""
    factory = sessionmaker(create_engine(os.environ["DATABASE_URL"]))

    def dbsession(request):
        session = factory(info={"request": request})
        zope.sqlalchemy.register(session, transaction_manager=request.tm)
        return session

    config.add_request_method(dbsession, reify=True)


def main():
    settings = {
        "tm.manager_hook": "pyramid_tm.explicit_manager",
        "jinja2.directories": str(Path(__file__).parent / "templates"),
    }
    with Configurator(settings=settings) as config:
        config.include("pyramid_tm")
        config.include("pyramid_jinja2")
        config.add_jinja2_renderer(".jinja2")
        config.include(includeme_models)
        for name in ("plaintext", "json", "db", "queries", "fortunes", "updates"):
            config.add_route(name, f"/{name}")
        config.scan()
        return config.make_wsgi_app()


application = main()
