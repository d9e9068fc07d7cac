"""Where the benchmark runs: its own PostgreSQL database, Django set up against it, the machine."""

from __future__ import annotations

import os
import platform
from urllib.parse import urlparse, urlunparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/centric_bench"


def bench_url() -> str:
    """The bench database: BENCH_DATABASE_URL, else centric_bench on the local server.

    DATABASE_URL is deliberately ignored so a bench run can never write into the dev database.
    """
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    name = urlparse(url).path.lstrip("/")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The benchmark needs PostgreSQL: BENCH_DATABASE_URL=postgres://…")
    if "bench" not in name:
        raise SystemExit(f"Refusing to use database {name!r}: its name must contain 'bench'.")
    return url


def with_database(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def psycopg_conninfo(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def ensure_database(url: str, *, drop: bool = False) -> bool:
    """Create the database if missing (or drop and recreate it). True when it was created."""
    import psycopg

    name = database_name(url)
    admin = psycopg_conninfo(with_database(url, "postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and drop:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            conn.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            return True
    return False


def setup_django(url: str) -> None:
    """Point Django at the bench database, with DEBUG off (no query log, as in production)."""
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "centric.settings")
    os.environ.setdefault("CONN_MAX_AGE", "600")
    import django

    django.setup()
    from django.db.backends.signals import connection_created

    def bound_statements(sender, connection, **kwargs):
        # One query may take at most this long in a bench run; a timeout is an error, reported.
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '20s'")

    connection_created.connect(bound_statements, weak=False)


def migrate() -> int:
    """Apply the application's migrations; returns how many were applied."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    # A migration on a million rows (an index, a constraint checked) is not a bench query.
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    try:
        call_command("migrate", verbosity=0, interactive=False)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '20s'")
    return len(pending)


def machine() -> dict:
    """Core count, memory and server version, printed beside every figure."""
    memory_gb = 0.0
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    memory_gb = int(line.split()[1]) / 1024 / 1024
                    break
    except OSError:
        pass
    info = {
        "cores": os.cpu_count() or 0,
        "memory_gb": round(memory_gb, 1),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
    }
    try:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0].split()[0]
            cursor.execute("SHOW shared_buffers")
            info["shared_buffers"] = cursor.fetchone()[0]
    except Exception:  # noqa: BLE001 - machine info is best effort
        pass
    return info


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    """The 1-minute load average and what it means on this machine (others may share it)."""
    try:
        one = os.getloadavg()[0]
    except OSError:
        return "unknown"
    cores = os.cpu_count() or 1
    busy = " — the machine was busy with other work, figures are pessimistic" if one > cores else ""
    return f"load average {one:.1f} on {cores} cores{busy}"


def machine_line(info: dict | None = None) -> str:
    info = info or machine()
    extra = f", PostgreSQL {info['postgresql']}" if "postgresql" in info else ""
    if "shared_buffers" in info:
        extra += f" (shared_buffers {info['shared_buffers']})"
    return f"{info['cores']} cores, {info['memory_gb']} GB RAM, {info['cpu']}{extra}"
