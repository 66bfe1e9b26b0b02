"""The suite's throwaway PostgreSQL server: it runs, unprivileged, on 127.0.0.1, and tests get schemas of their own."""

from __future__ import annotations

import os

import psycopg


def test_the_server_answers_on_localhost(postgres_server):
    with psycopg.connect(postgres_server.dsn) as conn:
        version = conn.execute("SHOW server_version_num").fetchone()[0]
        address = conn.execute("SELECT inet_server_addr()::text").fetchone()[0]
    assert int(version) >= 120000
    assert address.startswith("127.0.0.1")


def test_the_server_does_not_run_as_root(postgres_server):
    pid = int((postgres_server.data / "postmaster.pid").read_text().split()[0])
    assert os.stat(f"/proc/{pid}").st_uid != 0


def test_each_test_gets_an_empty_schema_of_its_own(postgres_server, postgres_connection):
    schema = postgres_connection["connection"]["schema"]
    with psycopg.connect(postgres_server.dsn) as conn:
        tables = conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = %s",
                              [schema]).fetchone()[0]
        exists = conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = %s", [schema]).fetchone()[0]
    assert (exists, tables) == (1, 0)
