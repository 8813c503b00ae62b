"""Concurrent writers on real transactions: If-Match loses no update, the row lock none either.

These tests do not use the `db` fixture, whose one shared session would serialise the
requests: each request gets its own session and connection, as under gunicorn, and
commits for real. The documents are deleted afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, delete

from core.handlers import WSGIHandler
from core.testing import Client
from core.testing.client import TestResponse
from jsonstore.models import Document

WRITERS = 8


@pytest.fixture
def live_app(settings: object, stoa_test_database: Engine) -> Iterator[WSGIHandler]:
    """The application with committing requests; every document is deleted afterwards."""
    yield WSGIHandler()
    with stoa_test_database.begin() as connection:
        connection.execute(delete(Document))


def race(app: WSGIHandler, send: Callable[[Client, int], TestResponse]) -> list[TestResponse]:
    """Run `send(client, n)` for n in 0..WRITERS-1 in as many threads, started together."""
    barrier = threading.Barrier(WRITERS)
    responses: list[TestResponse | None] = [None] * WRITERS

    def writer(n: int) -> None:
        client = Client(app)
        barrier.wait(timeout=10)
        responses[n] = send(client, n)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a writer did not finish"
    assert all(response is not None for response in responses), "a writer failed"
    return [response for response in responses if response is not None]


def test_one_of_the_racing_conditional_puts_wins(live_app: WSGIHandler) -> None:
    etag = Client(live_app).put("/store/doc", json={"writer": None}).headers["ETag"]

    responses = race(
        live_app,
        lambda client, n: client.put("/store/doc", json={"writer": n}, headers={"If-Match": etag}),
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [412] * (WRITERS - 1)
    (winner,) = [n for n, response in enumerate(responses) if response.status_code == 200]
    final = Client(live_app).get("/store/doc")
    assert final.json == {"writer": winner}
    assert final.headers["ETag"] == responses[winner].headers["ETag"]
    assert all(
        r.headers["ETag"] == final.headers["ETag"] for r in responses if r.status_code == 412
    )


def test_one_of_the_racing_creations_wins(live_app: WSGIHandler) -> None:
    responses = race(
        live_app,
        lambda client, n: client.put("/store/new", json=n, headers={"If-None-Match": "*"}),
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [412] * (WRITERS - 1)
    (winner,) = [n for n, response in enumerate(responses) if response.status_code == 201]
    assert Client(live_app).get("/store/new").json == winner


def test_unconditional_creations_all_succeed_and_one_stays(live_app: WSGIHandler) -> None:
    responses = race(live_app, lambda client, n: client.put("/store/new", json=n))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * (WRITERS - 1) + [201]
    assert Client(live_app).get("/store/new").json in range(WRITERS)


def test_concurrent_patches_of_different_keys_all_land(live_app: WSGIHandler) -> None:
    Client(live_app).put("/store/counters", json={})

    responses = race(live_app, lambda client, n: client.patch("/store/counters", json={f"k{n}": n}))

    assert [response.status_code for response in responses] == [200] * WRITERS
    assert Client(live_app).get("/store/counters").json == {f"k{n}": n for n in range(WRITERS)}
