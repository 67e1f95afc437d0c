"""The baseline: a bare Flask page that renders a Jinja template from two SQLite reads.

Served by the same gunicorn as the app (`gunicorn bench.bare:app`), it is what a lesson page
would cost if the platform did nothing but read a row and render it. BARE_DB names its database
(made by `make_database`)."""
import os
import sqlite3

from flask import Flask, g, render_template
from jinja2 import DictLoader

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><header><nav><ul>{% for link in links %}<li><a href="/{{ link }}">{{ link|title }}</a></li>{% endfor %}</ul></nav></header>
<main><h1>{{ page.title }}</h1><p>{{ user.name }}</p>{{ page.body }}</main></body></html>"""

app = Flask(__name__)
app.jinja_loader = DictLoader({"page.html": PAGE})  # compiled once, as a real app's templates are


def make_database(path: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE page (id INTEGER PRIMARY KEY, title TEXT, body TEXT)")
        connection.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT)")
        connection.executemany("INSERT INTO page VALUES (?, ?, ?)",
                               [(n, f"Page {n}", "<p>A paragraph of text.</p>" * 20) for n in range(100)])
        connection.executemany("INSERT INTO person VALUES (?, ?)", [(n, f"Person {n}") for n in range(100)])


def _db():
    if "db" not in g:
        g.db = sqlite3.connect(os.environ["BARE_DB"])
        g.db.row_factory = sqlite3.Row
    return g.db


@app.teardown_appcontext
def _close(_error):
    if (connection := g.pop("db", None)) is not None:
        connection.close()


@app.get("/healthz")
def healthz():
    return "ok"


@app.get("/page/<int:number>")
def page(number: int):
    row = _db().execute("SELECT title, body FROM page WHERE id = ?", (number,)).fetchone()
    user = _db().execute("SELECT name FROM person WHERE id = ?", (number,)).fetchone()
    return render_template("page.html", page=row, user=user, links=["courses", "learning", "badges", "account"])
