"""TechEmpower's plaintext, json and db test types on Starlette, as its documentation writes
them: async endpoints, and SQLAlchemy's asyncio extension for the database (aiosqlite on
SQLite, psycopg's async mode on PostgreSQL). The database comes from DATABASE_URL.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from random import randint

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route


def async_url(url: str) -> str:
    """Name the async driver of DATABASE_URL (SQLAlchemy's form, shared by every implementation)."""
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url[len("sqlite:") :]
    return url  # postgresql+psycopg:// is async-capable as it is


engine = create_async_engine(async_url(os.environ["DATABASE_URL"]))
Session = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


class World(Base):
    __tablename__ = "world"

    id: Mapped[int] = mapped_column(primary_key=True)
    random_number: Mapped[int] = mapped_column("randomnumber")


async def plaintext(request: Request) -> Response:
    return PlainTextResponse("Hello, World!")


async def json_view(request: Request) -> Response:
    return JSONResponse({"message": "Hello, World!"})


async def single_query(request: Request) -> Response:
    async with Session() as session:
        world = await session.get(World, randint(1, 10000))
    assert world is not None
    return JSONResponse({"id": world.id, "randomNumber": world.random_number})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    yield
    await engine.dispose()


application = Starlette(
    routes=[
        Route("/plaintext", plaintext),
        Route("/json", json_view),
        Route("/db", single_query),
    ],
    lifespan=lifespan,
)
