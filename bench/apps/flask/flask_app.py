"""TechEmpower's test types in Flask, with Flask-SQLAlchemy's request-scoped session.

gunicorn flask_app:application        DATABASE_URL=sqlite:///path or postgresql+psycopg://...
"""

import os
from random import randint

from flask import Flask, jsonify, render_template, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class World(db.Model):
    __tablename__ = "world"
    id: Mapped[int] = mapped_column(primary_key=True)
    random_number: Mapped[int] = mapped_column("randomnumber")

    def to_dict(self):
        return {"id": self.id, "randomNumber": self.random_number}


class Fortune(db.Model):
    __tablename__ = "fortune"
    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[str] = mapped_column(String(2048))


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db.init_app(app)


def query_count():
    try:
        return min(max(int(request.args.get("n", 1)), 1), 500)
    except ValueError:
        return 1


@app.get("/plaintext")
def plaintext():
    return "Hello, World!", {"Content-Type": "text/plain"}


@app.get("/json")
def json_view():
    return jsonify(message="Hello, World!")


@app.get("/db")
def single_query():
    return jsonify(db.session.get(World, randint(1, 10000)).to_dict())


@app.get("/queries")
def queries():
    ids = [randint(1, 10000) for _ in range(query_count())]
    return jsonify([db.session.get(World, pk).to_dict() for pk in ids])


@app.get("/fortunes")
def fortunes():
    rows = list(db.session.scalars(select(Fortune)))
    rows.append(Fortune(id=0, message="Additional fortune added at request time."))
    rows.sort(key=lambda fortune: fortune.message)
    return render_template("fortunes.html", fortunes=rows)


@app.get("/updates")
def updates():
    ids = [randint(1, 10000) for _ in range(query_count())]
    worlds = [db.session.get(World, pk) for pk in ids]
    for world in worlds:
        world.random_number = randint(1, 10000)
    result = [world.to_dict() for world in worlds]  # before commit() expires them
    db.session.commit()
    return jsonify(result)


application = app
