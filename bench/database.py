"""The bench's own database (`nqi_bench` unless told otherwise), recreated next to DATABASE_URL's.

Django must be pointed at it before `django.setup()`, so this module is imported (and `prepare()`
called) before anything that touches models.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.types.string import TextLoader

BENCH_DB = "nqi_bench"
_SAFE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _connect_kwargs(url: str) -> dict[str, Any]:
    # dj-database-url is what config/settings.py uses, so the socket-directory hosts of the embedded
    # PostgreSQL decode exactly as they do for Django.
    import dj_database_url

    return _kwargs_from_settings(dict(dj_database_url.parse(url)))


def _kwargs_from_settings(db: Mapping[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"dbname": db["NAME"]}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if db.get(key):
            kwargs[name] = str(db[key])
    return kwargs


def bench_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate(url: str, name: str) -> str:
    """Drop and create database `name` on DATABASE_URL's server; return the URL that points at it."""
    if not _SAFE_NAME.match(name):
        raise SystemExit(f"bench database name {name!r} must be a lower-case SQL identifier")
    kwargs = _connect_kwargs(url)
    if kwargs["dbname"] == name:
        raise SystemExit(f"refusing to drop {name!r}: it is the database DATABASE_URL points at")
    with psycopg.connect(**kwargs, autocommit=True) as conn:
        # FORCE: a previous run killed mid-way may still hold connections to it.
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return bench_url(url, name)


def prepare(name: str = BENCH_DB) -> str:
    """Recreate the bench database, point Django at it, set up Django and migrate. Returns its URL."""
    base = os.environ.get("DATABASE_URL", "")
    if not base:
        raise SystemExit("DATABASE_URL is not set; run the bench through scripts/bench.")
    url = recreate(base, name)
    os.environ["DATABASE_URL"] = url
    # Production settings: DEBUG's cursor wrapper logs every query and would tax the service path
    # (the raw reference runs on bare psycopg). The key only signs sessions of this throwaway run.
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("NQI_FAST_PASSWORD_HASHER", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return url


def raw_connection() -> psycopg.Connection[Any]:
    """A plain psycopg connection to the bench database, outside Django, for the bare reference.

    The `json` column is read back as text: the raw engine parses it itself, just as the service
    parses its text column, so neither side gets parsing for free from the driver.
    """
    from django.db import connection

    conn = psycopg.connect(**_kwargs_from_settings(connection.settings_dict))
    conn.adapters.register_loader("json", TextLoader)
    return conn


def server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    return str(row[0]) if row else "?"
