"""Throwaway PostgreSQL and Redis servers for tests.

The scaled deployment of stripstudio talks to PostgreSQL and Redis, and its tests run against real
servers that the tests start themselves: each call to :func:`start_postgres` or :func:`start_redis`
starts a private server on a free loopback port, with its files in a directory the caller owns
(normally a pytest ``tmp_path``), tuned for speed rather than durability. Several test processes
(pytest-xdist workers) can each start their own servers side by side.

The programs come from the Debian packages ``postgresql`` and ``redis-server``; ``.ci/run``
installs them. When they are missing, starting a server raises :class:`RuntimeError` saying so:
tests that need a server fail, they are not skipped.

Servers run in their own process group, are stopped at interpreter exit (``atexit``) if nobody
stopped them first, and on Linux get a parent-death signal so that they also go away when the
test process is killed outright.

PostgreSQL refuses to run as root. Under root the server runs as the ``postgres`` system user
that the Debian package creates (or, failing that, a ``stripstudio-test`` system user created
here). pytest's temporary directories live under ``/tmp/pytest-of-root``, which only root may
enter, so under root the data directory goes into a private directory of its own under the
system temporary directory instead, removed again by :meth:`PostgresServer.stop`.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "PG_DATABASE",
    "PG_USER",
    "PostgresServer",
    "RedisServer",
    "find_postgres_bin_dir",
    "free_port",
    "start_postgres",
    "start_redis",
]

LOOPBACK = "127.0.0.1"
PG_USER = "stripstudio"
"""The superuser role that :func:`start_postgres` creates; it logs in without a password."""
PG_DATABASE = "stripstudio"
"""The database that :func:`start_postgres` creates for the tests."""
FALLBACK_SYSTEM_USER = "stripstudio-test"

_POSTGRES_HINT = (
    "install PostgreSQL with `apt-get install postgresql` (.ci/run installs it); "
    "the tests start their own throwaway server and need no running service"
)
_REDIS_HINT = (
    "install Redis with `apt-get install redis-server` (.ci/run installs it); "
    "the tests start their own throwaway server and need no running service"
)
_ADDRESS_IN_USE = re.compile(r"address already in use|could not bind|could not create any tcp/ip sockets", re.I)
_PORT_ATTEMPTS = 3
# A Unix socket path must fit in sockaddr_un.sun_path (108 bytes, NUL included).
_MAX_SOCKET_PATH = 100


def free_port(host: str = LOOPBACK) -> int:
    """Return a TCP port on ``host`` that nothing listens on right now.

    The kernel picks it (bind to port 0); the port is released before returning, so another process
    could take it before the caller binds it. The ``start_*`` helpers retry with a new port when that
    happens.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def find_postgres_bin_dir() -> Path:
    """Return the directory holding the PostgreSQL server programs (``initdb``, ``postgres``, ``pg_isready``).

    ``postgres`` on ``PATH`` wins (its real location, so that its sibling programs are of the same
    version); otherwise the highest version under ``/usr/lib/postgresql/<version>/bin``, where Debian
    puts them without adding them to ``PATH``.

    Raises:
        RuntimeError: no PostgreSQL server installation was found.
    """
    required = ("initdb", "postgres", "pg_isready")
    on_path = shutil.which("postgres")
    candidates: list[Path] = []
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    versions = []
    for entry in Path("/usr/lib/postgresql").glob("*/bin"):
        with contextlib.suppress(ValueError):
            versions.append((tuple(int(part) for part in entry.parent.name.split(".")), entry))
    candidates.extend(entry for _, entry in sorted(versions, reverse=True))
    for bin_dir in candidates:
        if all(os.access(bin_dir / name, os.X_OK) for name in required):
            return bin_dir
    raise RuntimeError(
        f"PostgreSQL server programs ({', '.join(required)}) not found on PATH or in "
        f"/usr/lib/postgresql/<version>/bin: {_POSTGRES_HINT}"
    )


def _find_redis_server() -> str:
    path = shutil.which("redis-server")
    if path is None:
        raise RuntimeError(f"redis-server not found on PATH: {_REDIS_HINT}")
    return path


def _log_tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(no log at {path}: {exc})"
    tail = "\n".join(text.splitlines()[-lines:])
    return f"last lines of {path}:\n{tail}" if tail else f"(empty log {path})"


def parent_death_preexec(sig: signal.Signals) -> Callable[[], None] | None:
    """A ``preexec_fn`` asking Linux to send ``sig`` to the child when this process dies.

    The kernel sends it when the *thread* that started the child exits, so it is only used from the
    main thread, where that is the same as the process.
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    pr_set_pdeathsig = 1

    def preexec() -> None:
        # Runs in the child after Popen switched users, which would otherwise clear the setting.
        prctl(pr_set_pdeathsig, int(sig))
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)

    return preexec


def _spawn(
    args: list[str], log_path: Path, *, user: str | None, cwd: Path, death_signal: signal.Signals
) -> subprocess.Popen[bytes]:
    """Start ``args`` in its own process group with stdout and stderr appended to ``log_path``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.update(LC_ALL="C", LANG="C", TZ="UTC")
    run_as: dict[str, object] = {}
    if user is not None:
        entry = pwd.getpwnam(user)
        run_as = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        env.update(HOME=str(cwd), USER=user, LOGNAME=user)
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
            start_new_session=True,
            preexec_fn=parent_death_preexec(death_signal),
            **run_as,
        )


def _run(args: list[str], log_path: Path, *, user: str | None, cwd: Path, what: str, timeout: float) -> None:
    """Run a setup program to completion, raising with its log tail when it fails."""
    proc = _spawn(args, log_path, user=user, cwd=cwd, death_signal=signal.SIGKILL)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise RuntimeError(f"{what} did not finish within {timeout:.0f}s; {_log_tail(log_path)}") from None
    if code != 0:
        raise RuntimeError(f"{what} failed with exit status {code}; {_log_tail(log_path)}")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def _stop_process(proc: subprocess.Popen[bytes], sig: signal.Signals, timeout: float) -> None:
    """Send ``sig`` to a server, wait for it to exit, and kill its whole process group if it does not."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
    # Anything the server left behind in its group (it started the group, so nothing else is in it).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


@dataclass
class PostgresServer:
    """A running throwaway PostgreSQL server; see :func:`start_postgres`."""

    port: int
    """TCP port on 127.0.0.1."""
    data_dir: Path
    """The cluster's data directory (``base_dir/pgdata``, or a private directory when run as root)."""
    socket_dir: Path
    """Directory holding the server's Unix socket."""
    log_path: Path
    """The server's log (stdout and stderr), in ``base_dir``."""
    process: subprocess.Popen[bytes] = field(repr=False)
    host: str = LOOPBACK
    user: str = PG_USER
    database: str = PG_DATABASE
    _private_dir: Path | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """``postgresql://stripstudio@127.0.0.1:PORT/stripstudio``: no password needed (trust authentication)."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"

    def url_for(self, database: str) -> str:
        """The URL of another database on this server (for example ``postgres``)."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server with a fast shutdown (SIGINT); idempotent.

        Open connections are cut. Files in ``base_dir`` are kept (it is a temporary directory); a
        private data directory made for running as root is removed.
        """
        atexit.unregister(self.stop)
        _stop_process(self.process, signal.SIGINT, timeout)
        if self._private_dir is not None:
            shutil.rmtree(self._private_dir, ignore_errors=True)
            self._private_dir = None


@dataclass
class RedisServer:
    """A running throwaway Redis server; see :func:`start_redis`."""

    port: int
    """TCP port on 127.0.0.1."""
    log_path: Path
    """The server's log (stdout and stderr), in ``base_dir``."""
    process: subprocess.Popen[bytes] = field(repr=False)
    host: str = LOOPBACK

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:PORT/0``."""
        return f"redis://{self.host}:{self.port}/0"

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM: nothing is saved, persistence is off); idempotent."""
        atexit.unregister(self.stop)
        _stop_process(self.process, signal.SIGTERM, timeout)


def _service_user() -> str:
    """The unprivileged user PostgreSQL runs as under root: ``postgres``, else a dedicated system user."""
    for name in ("postgres", FALLBACK_SYSTEM_USER):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    result = subprocess.run(
        [useradd, "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", FALLBACK_SYSTEM_USER],
        capture_output=True,
        text=True,
        check=False,
    )
    try:  # another test process may have created it at the same time
        pwd.getpwnam(FALLBACK_SYSTEM_USER)
    except KeyError:
        raise RuntimeError(
            f"PostgreSQL cannot run as root and no `postgres` user exists; creating the system user "
            f"{FALLBACK_SYSTEM_USER} failed: {result.stderr.strip() or result.returncode}"
        ) from None
    return FALLBACK_SYSTEM_USER


def _chown(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def _user_can_write(user: str, path: Path) -> bool:
    """Whether ``user`` can reach and write ``path`` (every parent directory searchable)."""
    entry = pwd.getpwnam(user)
    result = subprocess.run(
        ["test", "-w", str(path), "-a", "-x", str(path)],
        user=entry.pw_uid,
        group=entry.pw_gid,
        extra_groups=[],
        cwd="/",
        check=False,
    )
    return result.returncode == 0


def _pg_ready(bin_dir: Path, port: int) -> bool:
    result = subprocess.run(
        [str(bin_dir / "pg_isready"), "-q", "-h", LOOPBACK, "-p", str(port), "-U", PG_USER, "-d", "postgres"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return result.returncode == 0


def start_postgres(base_dir: Path, *, timeout: float = 60.0) -> PostgresServer:
    """Create a fresh PostgreSQL cluster and start a server for it on a free loopback port.

    The cluster is made by ``initdb`` in ``base_dir/pgdata`` (trust authentication, UTF8, locale C,
    superuser role ``stripstudio``) and runs with fsync, full-page writes and synchronous commit off
    and ``max_connections=200``. Once the server accepts connections a database ``stripstudio`` is
    created; connect to :attr:`PostgresServer.url`. Logs (``initdb.log``, ``postgres.log``) stay in
    ``base_dir``.

    Under root the server runs as the ``postgres`` system user (see the module docstring).

    Args:
        base_dir: an existing, empty-enough directory the caller owns, such as a pytest ``tmp_path``.
        timeout: seconds to wait for the server to accept connections.

    Raises:
        RuntimeError: PostgreSQL is not installed, or the server did not come up (with its log tail).
    """
    bin_dir = find_postgres_bin_dir()
    base_dir = Path(base_dir).resolve()
    base_dir.mkdir(parents=True, exist_ok=True)
    user = _service_user() if os.geteuid() == 0 else None

    root = base_dir
    private_dir: Path | None = None
    if user is not None:
        _chown(base_dir, user)
        if not _user_can_write(user, base_dir):
            private_dir = Path(tempfile.mkdtemp(prefix="stripstudio-pg-"))
            _chown(private_dir, user)
            root = private_dir
            (base_dir / "pgdata.location").write_text(f"{root / 'pgdata'}\n")
    data_dir = root / "pgdata"
    socket_dir = root / "sock"
    if len(str(socket_dir / ".s.PGSQL.65535")) > _MAX_SOCKET_PATH:
        socket_dir = Path(tempfile.mkdtemp(prefix="pgsock-"))
    socket_dir.mkdir(exist_ok=True)
    if user is not None:
        _chown(socket_dir, user)

    server: PostgresServer | None = None
    try:
        _run(
            [
                str(bin_dir / "initdb"),
                "--pgdata", str(data_dir),
                "--username", PG_USER,
                "--auth", "trust",
                "--encoding", "UTF8",
                "--locale", "C",
                "--no-sync",
            ],
            base_dir / "initdb.log",
            user=user,
            cwd=root,
            what="initdb",
            timeout=120,
        )  # fmt: skip
        log_path = base_dir / "postgres.log"
        for attempt in range(1, _PORT_ATTEMPTS + 1):
            port = free_port()
            log_start = log_path.stat().st_size if log_path.exists() else 0
            settings = {
                "listen_addresses": LOOPBACK,
                "port": port,
                "unix_socket_directories": socket_dir,
                "fsync": "off",
                "full_page_writes": "off",
                "synchronous_commit": "off",
                "max_connections": 200,
            }
            args = [str(bin_dir / "postgres"), "-D", str(data_dir)]
            for name, value in settings.items():
                args += ["-c", f"{name}={value}"]
            proc = _spawn(args, log_path, user=user, cwd=root, death_signal=signal.SIGINT)
            server = PostgresServer(
                port=port, data_dir=data_dir, socket_dir=socket_dir, log_path=log_path, process=proc
            )
            atexit.register(server.stop)
            deadline = time.monotonic() + timeout
            ready = False
            while proc.poll() is None and time.monotonic() < deadline:
                ready = _pg_ready(bin_dir, port)
                if ready:
                    break
                time.sleep(0.05)
            if ready:
                break
            if proc.poll() is None:
                raise RuntimeError(
                    f"PostgreSQL did not accept connections on port {port} within {timeout:.0f}s; {_log_tail(log_path)}"
                )
            server.stop()
            server = None
            with open(log_path, errors="replace") as log:
                log.seek(log_start)
                port_taken = bool(_ADDRESS_IN_USE.search(log.read()))
            if not (port_taken and attempt < _PORT_ATTEMPTS):
                raise RuntimeError(
                    f"PostgreSQL exited with status {proc.returncode} while starting; {_log_tail(log_path)}"
                )
        assert server is not None
        _run(
            [str(bin_dir / "createdb"), "-h", LOOPBACK, "-p", str(server.port), "-U", PG_USER, PG_DATABASE],
            base_dir / "createdb.log",
            user=None,
            cwd=base_dir,
            what="createdb",
            timeout=60,
        )
    except BaseException:
        if server is not None:
            server.stop(timeout=5)
        if private_dir is not None:
            shutil.rmtree(private_dir, ignore_errors=True)
        raise
    server._private_dir = private_dir
    return server


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(base_dir: Path, *, timeout: float = 30.0) -> RedisServer:
    """Start a Redis server on a free loopback port, without persistence, working in ``base_dir``.

    Waits until it answers PING; connect to :attr:`RedisServer.url`. Its log is ``base_dir/redis.log``.

    Args:
        base_dir: an existing directory the caller owns, such as a pytest ``tmp_path``.
        timeout: seconds to wait for the server to answer.

    Raises:
        RuntimeError: redis-server is not installed, or did not come up (with its log tail).
    """
    program = _find_redis_server()
    base_dir = Path(base_dir).resolve()
    base_dir.mkdir(parents=True, exist_ok=True)
    log_path = base_dir / "redis.log"
    for attempt in range(1, _PORT_ATTEMPTS + 1):
        port = free_port()
        log_start = log_path.stat().st_size if log_path.exists() else 0
        args = [
            program,
            "--port", str(port),
            "--bind", LOOPBACK,
            "--save", "",
            "--appendonly", "no",
            "--dir", str(base_dir),
            "--daemonize", "no",
            "--logfile", "",
        ]  # fmt: skip
        proc = _spawn(args, log_path, user=None, cwd=base_dir, death_signal=signal.SIGTERM)
        server = RedisServer(port=port, log_path=log_path, process=proc)
        atexit.register(server.stop)
        deadline = time.monotonic() + timeout
        while proc.poll() is None and time.monotonic() < deadline:
            if _redis_ping(port):
                return server
            time.sleep(0.02)
        if proc.poll() is None:
            server.stop(timeout=5)
            raise RuntimeError(
                f"redis-server did not answer PING on port {port} within {timeout:.0f}s; {_log_tail(log_path)}"
            )
        server.stop()
        with open(log_path, errors="replace") as log:
            log.seek(log_start)
            port_taken = bool(_ADDRESS_IN_USE.search(log.read()))
        if not (port_taken and attempt < _PORT_ATTEMPTS):
            raise RuntimeError(
                f"redis-server exited with status {proc.returncode} while starting; {_log_tail(log_path)}"
            )
    raise AssertionError("unreachable")
