#!/usr/bin/env python3
"""Run a throw-away Neo4j Community 5.26 server from its Maven Central jars.

No Docker and no Neo4j tarball: Maven resolves ``org.neo4j:neo4j`` and its
runtime dependencies into a cache (``~/.cache/relmap/neo4j/<version>/lib``,
root overridable with ``RELMAP_NEO4J_CACHE``; version with
``RELMAP_NEO4J_VERSION``) and the server runs as a plain ``java`` process with
Bolt on ``127.0.0.1``, HTTP(S) off and auth on.  Requires ``java`` (17 or 21),
``mvn`` and the ``neo4j`` Python driver.

As a module::

    from neo4j_local import start
    with start() as srv:             # fresh temp home, removed on exit
        drv = neo4j.GraphDatabase.driver(srv.uri, auth=(srv.user, srv.password))

From the shell::

    python scripts/neo4j_local.py fetch                # only resolve the jars
    eval "$(python scripts/neo4j_local.py start --home .neo4j)"
    python scripts/neo4j_local.py status --home .neo4j
    python scripts/neo4j_local.py stop --home .neo4j
    python scripts/neo4j_local.py import --home .neo4j DIR   # neo4j-admin database import full, stopped

``start`` prints ``export NEO4J_URI=... NEO4J_USER=... NEO4J_PASSWORD=...
RELMAP_STORE=...`` lines on stdout (also saved to ``<home>/relmap-neo4j.env``);
progress goes to stderr.  Re-starting on an existing home keeps its data and
password.  Server output is in ``<home>/logs/console.log``.

``start(watch=True)`` (what the test session uses) ties the server to the
process that started it: a small watchdog process stops the server as soon as
that process ends, however it ends (Ctrl-C, a timeout's SIGTERM, ``kill -9``).
From the shell the server is meant to outlive the command, so it is not watched.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import fcntl
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_NEO4J_VERSION = "5.26.30"  # newest 5.26.x on Maven Central (Nov 2026)
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
ENV_FILE, PID_FILE, MARKER = "relmap-neo4j.env", "relmap-neo4j.pid", ".relmap-complete"
_HEADER = "=== relmap neo4j_local start "
# server.jvm.additional defaults of the 5.26 neo4j.conf template, which a
# flat-classpath launch does not read.  -XX:+AlwaysPreTouch is left out on
# purpose: it would make the whole heap resident at start for no test benefit.
JVM_FLAGS = (
    "-XX:+UseG1GC", "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions", "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC", "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048", "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true", "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
    "-Dfile.encoding=UTF-8",
)
POM = """<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>relmap</groupId><artifactId>neo4j-local</artifactId><version>1</version>
<packaging>pom</packaging><dependencies><dependency><groupId>org.neo4j</groupId>
<artifactId>neo4j</artifactId><version>{version}</version></dependency></dependencies></project>
"""


def _log(msg: str) -> None:
    print(f"[neo4j_local] {msg}", file=sys.stderr, flush=True)


def neo4j_version() -> str:
    """Return the Neo4j version to use (``RELMAP_NEO4J_VERSION`` or the default)."""
    return os.environ.get("RELMAP_NEO4J_VERSION", DEFAULT_NEO4J_VERSION)


def cache_dir(version: str | None = None) -> Path:
    """Return the per-version cache folder (``$RELMAP_NEO4J_CACHE/<version>``)."""
    root = os.environ.get("RELMAP_NEO4J_CACHE")
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "relmap" / "neo4j"
    return base.resolve() / (version or neo4j_version())


def fetch(version: str | None = None) -> Path:
    """Resolve ``org.neo4j:neo4j`` and its runtime dependencies with Maven.

    Parameters
    ----------
    version : str, optional
        Neo4j version; defaults to :func:`neo4j_version`.

    Returns
    -------
    Path
        The folder holding all jars (a flat classpath).  A marker file makes
        later calls a no-op; concurrent callers are serialised by a file lock.
    """
    version = version or neo4j_version()
    vdir = cache_dir(version)
    lib = vdir / "lib"
    if (lib / MARKER).exists():
        return lib
    vdir.mkdir(parents=True, exist_ok=True)
    with open(vdir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (lib / MARKER).exists():
            return lib
        mvn = shutil.which("mvn")
        if mvn is None:
            raise RuntimeError("Maven ('mvn') is needed to fetch the Neo4j jars")
        _log(f"resolving org.neo4j:neo4j:{version} into {lib} with Maven ...")
        t0 = time.monotonic()
        with tempfile.TemporaryDirectory(dir=vdir, prefix="mvn-") as tmp:
            pom, out = Path(tmp) / "pom.xml", Path(tmp) / "lib"
            pom.write_text(POM.format(version=version))
            cmd = [mvn, "-q", "-B", "-f", str(pom), f"{DEPENDENCY_PLUGIN}:copy-dependencies",
                   "-DincludeScope=runtime", f"-DoutputDirectory={out}"]
            res = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if res.returncode != 0 or not (out / f"neo4j-{version}.jar").exists():
                tail = "\n".join((res.stdout + res.stderr).splitlines()[-30:])
                raise RuntimeError(f"Maven failed to resolve org.neo4j:neo4j:{version}:\n{tail}")
            (out / MARKER).write_text(f"org.neo4j:neo4j:{version}\n")
            shutil.rmtree(lib, ignore_errors=True)
            out.rename(lib)
        _log(f"fetched {len(list(lib.glob('*.jar')))} jars in {time.monotonic() - t0:.1f}s")
    return lib


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not java or not Path(java).exists():
        raise RuntimeError("no 'java' found (set JAVA_HOME or put java 17/21 on PATH)")
    return java


def free_port(port: int = 0) -> int:
    """Return ``port`` (or, for 0, any port) if it is free on 127.0.0.1, else 0."""
    with socket.socket() as sock:
        # SO_REUSEADDR as the server itself binds: connections of a killed server left in
        # TIME_WAIT must not make its port look taken; a listening socket still does
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return 0
        return sock.getsockname()[1]


def read_env(home: Path) -> dict[str, str]:
    """Parse ``<home>/relmap-neo4j.env`` into a dict (empty if missing)."""
    path = Path(home) / ENV_FILE
    if not path.exists():
        return {}
    pairs = (ln.split("=", 1) for ln in path.read_text().splitlines() if "=" in ln)
    return {k.strip(): v.strip() for k, v in pairs}


def _pid_is_server(pid: int, home: Path) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return MAIN_CLASS.encode() in cmdline and f"--home-dir={home}".encode() in cmdline


def _tail(path: Path, n: int = 40) -> str:
    """Return the last ``n`` lines that the latest start wrote to ``path``."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no console.log)"
    return "\n".join(text.rsplit(_HEADER, 1)[-1].splitlines()[-n:])


@dataclasses.dataclass
class Server:
    """A running (or stopped) local Neo4j server; also a context manager.

    Attributes
    ----------
    uri, user, password : str
        Bolt URI (``bolt://127.0.0.1:PORT``) and credentials.
    home : Path
        NEO4J_HOME holding ``conf/``, ``data/``, ``logs/``.
    pid : int
        Process id of the server JVM.
    """

    uri: str
    user: str
    password: str
    home: Path
    pid: int
    port: int = 0
    heap: str = "512m"
    pagecache: str = "128m"
    timeout: float = 120.0
    owns_home: bool = False
    watch: bool = False
    _proc: subprocess.Popen | None = dataclasses.field(default=None, repr=False, compare=False)
    _leash: int | None = dataclasses.field(default=None, repr=False, compare=False)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        if self.owns_home:
            shutil.rmtree(self.home, ignore_errors=True)

    @property
    def env(self) -> dict[str, str]:
        """Environment variables describing this server."""
        return {"NEO4J_URI": self.uri, "NEO4J_USER": self.user,
                "NEO4J_PASSWORD": self.password, "RELMAP_STORE": self.uri}

    def alive(self) -> bool:
        """Return True while the server process exists."""
        if self._proc is not None:
            return self._proc.poll() is None
        return _pid_is_server(self.pid, self.home)

    def _signal(self, sig: int, timeout: float) -> bool:
        """Send ``sig`` if alive; return whether the process is gone within ``timeout``."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        return not self.alive()

    def stop(self, timeout: float = 30) -> None:
        """Shut down cleanly (SIGTERM), escalating to SIGKILL after ``timeout`` s."""
        if not self._signal(signal.SIGTERM, timeout):
            _log(f"pid {self.pid} ignored SIGTERM for {timeout}s, sending SIGKILL")
            self._signal(signal.SIGKILL, 10)
        (self.home / PID_FILE).unlink(missing_ok=True)
        self._release()

    def kill(self) -> None:
        """SIGKILL the server (no checkpoint: the next start runs recovery)."""
        self._signal(signal.SIGKILL, 10)
        (self.home / PID_FILE).unlink(missing_ok=True)
        self._release()

    def _release(self) -> None:
        """Let the watchdog go (it finds the server stopped and exits)."""
        if self._leash is not None:
            with contextlib.suppress(OSError):
                os.close(self._leash)
            self._leash = None

    def restart(self, timeout: float | None = None) -> Server:
        """Stop if running, then start again on the same home, port and password."""
        self.stop()
        new = start(self.home, self.port, self.heap, self.pagecache, timeout or self.timeout, watch=self.watch)
        self.pid, self._proc, self._leash = new.pid, new._proc, new._leash
        new._leash = None
        return self

    def ping(self, timeout: float = 2.0) -> None:
        """Run ``RETURN 1`` on database ``neo4j``; raise if it fails."""
        import neo4j

        with neo4j.GraphDatabase.driver(self.uri, auth=(self.user, self.password),
                                        connection_timeout=timeout) as drv:
            with drv.session(database="neo4j") as session:
                session.run("RETURN 1").consume()

    def _wait_ready(self, timeout: float) -> None:
        from neo4j.exceptions import AuthError, DriverError, Neo4jError

        t0 = time.monotonic()
        while True:
            if not self.alive():
                code = self._proc.returncode if self._proc else "?"
                raise RuntimeError(f"Neo4j exited (code {code}) during startup; "
                                   f"{self.home / 'logs/console.log'} ends with:\n"
                                   f"{_tail(self.home / 'logs' / 'console.log')}")
            try:
                self.ping()
                return
            except AuthError:
                self.stop()
                raise
            except (Neo4jError, DriverError, OSError):
                pass
            if time.monotonic() - t0 > timeout:
                self.kill()
                raise TimeoutError(f"Neo4j not ready after {timeout}s (killed); console.log ends "
                                   f"with:\n{_tail(self.home / 'logs' / 'console.log')}")
            time.sleep(0.25)


def _write_conf(home: Path, lib: Path, port: int, pagecache: str) -> None:
    d = {k: home / k for k in ("data", "logs", "plugins", "import", "run", "licenses")}
    lines = [f"server.directories.{k}={v}" for k, v in d.items()] + [
        f"server.directories.lib={lib}",
        "server.default_listen_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        f"server.bolt.advertised_address=127.0.0.1:{port}",
        "server.http.enabled=false",
        "server.https.enabled=false",
        f"server.memory.pagecache.size={pagecache}",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        "db.tx_log.preallocate=false",  # else 2 x 256 MiB of log files per home
        # Neo4j keeps 2 days of transaction logs by default: 38 GB after a 1M-people load (a
        # throw-away server needs them only to recover, which the last checkpoint bounds)
        "db.tx_log.rotation.retention_policy=1G size",
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",  # else stop takes 10 s
    ]
    for sub in d.values():
        sub.mkdir(parents=True, exist_ok=True)
    (home / "conf").mkdir(parents=True, exist_ok=True)
    (home / "conf" / "neo4j.conf").write_text("\n".join(lines) + "\n")


def _admin(java: str, lib: Path, home: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``neo4j-admin ARGS`` (the admin tool from the jars) on the server of ``home``."""
    return subprocess.run([java, "-cp", f"{lib}/*", "-Dfile.encoding=UTF-8", ADMIN_CLASS, *args], cwd=cwd,
                          env=dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf")),
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)


def _set_initial_password(java: str, lib: Path, home: Path, password: str) -> None:
    for attempt in range(3):  # the admin tool has failed once in a while on a busy machine: try again
        # "--": a password may start with "-"
        res = _admin(java, lib, home, "dbms", "set-initial-password", "--", password)
        if res.returncode == 0:
            return
        time.sleep(1 + attempt)
    raise RuntimeError(f"set-initial-password failed (3 attempts):\n{res.stdout}{res.stderr}")


def attach(home: Path) -> Server | None:
    """Return a :class:`Server` for the process started from ``home``, or None."""
    home = Path(home).expanduser().resolve()
    env, pidfile = read_env(home), home / PID_FILE
    if not env or not pidfile.exists():
        return None
    pid = int(pidfile.read_text().strip() or 0)
    if not _pid_is_server(pid, home):
        return None
    port = int(env["NEO4J_URI"].rsplit(":", 1)[1])
    return Server(env["NEO4J_URI"], env["NEO4J_USER"], env["NEO4J_PASSWORD"], home, pid, port)


def watchdog(pid: int, home: Path) -> int:
    """Start a watchdog that stops the server ``pid`` (started from ``home``) once this process
    ends, however it ends; return the file descriptor that keeps it waiting.

    The watchdog is a separate process in its own session (a Ctrl-C in the terminal does not
    reach it) that reads a pipe whose only writer is this process: the kernel closes that end
    when this process exits, even on ``kill -9``, and the watchdog then sends the server
    SIGTERM (SIGKILL after 30 s). Closing the returned descriptor lets it go early.
    """
    read, write = os.pipe()  # both ends close on exec: no other child of this process holds them
    log = open(Path(home) / "logs" / "watchdog.log", "ab")
    try:
        subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "watchdog", "--pid", str(pid),
                          "--home", str(home)], stdin=read, stdout=log, stderr=subprocess.STDOUT,
                         start_new_session=True)
    finally:
        os.close(read)
        log.close()
    return write


def _watch(pid: int, home: Path) -> int:
    """The watchdog's side: wait for the starter to end, then stop its server if still running."""
    home = Path(home).resolve()
    with contextlib.suppress(OSError):
        while sys.stdin.buffer.read(4096):
            pass  # nothing is ever written: EOF means the starter ended or let go
    if not _pid_is_server(pid, home):
        return 0
    print(f"{time.ctime()}: the process that started Neo4j (pid {pid}) is gone: stopping it", flush=True)
    srv = Server("", "", "", home, pid)
    srv.stop()
    return 0


def start(home: Path | None = None, port: int | None = None, heap: str = "512m",
          pagecache: str = "128m", timeout: float = 120, watch: bool = False) -> Server:
    """Start a Neo4j server and wait until ``RETURN 1`` succeeds on ``neo4j``.

    Parameters
    ----------
    home : Path, optional
        NEO4J_HOME.  Default: a fresh temp dir, deleted when the returned
        server is used as a context manager.  An existing home keeps its data,
        password (from ``relmap-neo4j.env``) and, if still free, its port.
    port : int, optional
        Bolt port on 127.0.0.1; default a free one.
    heap, pagecache : str
        JVM heap (``-Xms``/``-Xmx``) and page cache size, e.g. ``"1g"``.
    timeout : float
        Seconds to wait for readiness; on expiry the server is killed.
    watch : bool
        Stop the server when this process ends, however it ends (:func:`watchdog`):
        what a test session wants. Off by default: from the shell the server outlives
        the ``start`` command.

    Returns
    -------
    Server
        The running server (``uri``, ``user``, ``password``, ``pid`` ...).
    """
    lib, java = fetch(), _java()
    owns_home = home is None
    home = Path(tempfile.mkdtemp(prefix="relmap-neo4j-") if home is None else home)
    home = home.expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    running = attach(home)
    if running is not None:
        raise RuntimeError(f"a server from {home} is already running (pid {running.pid})")
    env = read_env(home)
    auth_ini = home / "data" / "dbms" / "auth.ini"
    password = env.get("NEO4J_PASSWORD")
    if password is None:
        if auth_ini.exists():
            raise RuntimeError(f"{home} has data but no {ENV_FILE}: password unknown")
        password = secrets.token_urlsafe(18)
    if port is None:
        old = int(env["NEO4J_URI"].rsplit(":", 1)[1]) if "NEO4J_URI" in env else 0
        port = (old and free_port(old)) or free_port()
    elif not free_port(port):  # else RETURN 1 might reach another server
        raise RuntimeError(f"port {port} on 127.0.0.1 is already in use")
    srv = Server(f"bolt://127.0.0.1:{port}", "neo4j", password, home, 0, port, heap,
                 pagecache, timeout, owns_home, watch)
    (home / ENV_FILE).write_text("".join(f"{k}={v}\n" for k, v in srv.env.items()))
    os.chmod(home / ENV_FILE, 0o600)
    _write_conf(home, lib, port, pagecache)
    if not auth_ini.exists():
        _set_initial_password(java, lib, home, password)
    cmd = [java, "-cp", f"{lib}/*", f"-Xms{heap}", f"-Xmx{heap}", *JVM_FLAGS, MAIN_CLASS,
           f"--home-dir={home}", f"--config-dir={home / 'conf'}", "--console-mode"]
    _log(f"starting Neo4j {neo4j_version()} on {srv.uri} (home {home}) ...")
    t0 = time.monotonic()
    with open(home / "logs" / "console.log", "ab") as console:
        console.write(f"{_HEADER}{time.ctime()} ===\n".encode())
        console.flush()
        srv._proc = subprocess.Popen(cmd, cwd=home, stdin=subprocess.DEVNULL, stdout=console,
                                     stderr=subprocess.STDOUT, start_new_session=True)
    srv.pid = srv._proc.pid
    (home / PID_FILE).write_text(f"{srv.pid}\n")
    if watch:  # at once: a starter killed while the server boots must not leave it behind
        srv._leash = watchdog(srv.pid, home)
    srv._wait_ready(timeout)
    _log(f"Neo4j ready on {srv.uri} after {time.monotonic() - t0:.1f}s (pid {srv.pid})")
    return srv


def bulk_import(home: Path, folder: Path, pagecache: str = "128m") -> str:
    """Run Neo4j's bulk importer (``neo4j-admin database import full``) into the stopped server
    of ``home`` (made when new), replacing its database ``neo4j`` with the files ``relmap
    neo4j-import`` wrote in ``folder`` (its ``import.args``); return the importer's report."""
    lib, java, home = fetch(), _java(), Path(home).expanduser().resolve()
    if attach(home) is not None:
        raise RuntimeError(f"the server of {home} is running: stop it first")
    env = read_env(home)
    _write_conf(home, lib, int(env["NEO4J_URI"].rsplit(":", 1)[1]) if env else free_port(), pagecache)
    res = _admin(java, lib, home, "database", "import", "full", "neo4j", "@import.args", cwd=folder)
    if res.returncode != 0:
        raise RuntimeError(f"neo4j-admin database import full failed:\n{res.stdout[-3000:]}{res.stderr[-3000:]}")
    return res.stdout[res.stdout.rfind("IMPORT DONE"):]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (``fetch``, ``start``, ``stop``, ``status``, ``import``)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("fetch", help="only resolve the jars into the cache")
    cmds = {name: sub.add_parser(name) for name in ("start", "stop", "status", "import")}
    for p in cmds.values():
        p.add_argument("--home", type=Path, default=Path(".neo4j"), help="default ./.neo4j")
    guard = sub.add_parser("watchdog", help="(internal) stop a server once its starter ends")
    guard.add_argument("--pid", type=int, required=True)
    guard.add_argument("--home", type=Path, required=True)
    cmds["start"].add_argument("--port", type=int)
    cmds["start"].add_argument("--heap", default="512m")
    cmds["start"].add_argument("--pagecache", default="128m")
    cmds["start"].add_argument("--timeout", type=float, default=120)
    cmds["start"].add_argument("--foreground", action="store_true", help="stay; stop on ^C")
    cmds["import"].add_argument("folder", type=Path, help="what `relmap neo4j-import` wrote")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "fetch":
            print(fetch())
            return 0
        if args.cmd == "watchdog":
            return _watch(args.pid, args.home)
        if args.cmd == "import":
            print(bulk_import(args.home, args.folder))
            return 0
        srv = attach(args.home)
        if args.cmd == "start":
            if srv is None:
                srv = start(args.home, args.port, args.heap, args.pagecache, args.timeout)
            else:
                _log(f"already running from {srv.home} (pid {srv.pid})")
            print("".join(f"export {k}={shlex.quote(v)}\n" for k, v in srv.env.items()),
                  end="", flush=True)
            if args.foreground:
                for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                    signal.signal(sig, lambda *_: sys.exit(0))
                try:
                    while srv.alive():
                        time.sleep(0.5)
                finally:
                    srv.stop()
            return 0
        if args.cmd == "stop":
            if srv is not None:
                srv.stop()
            _log(f"stopped pid {srv.pid}" if srv else f"no server running from {args.home}")
            return 0
        if srv is None:  # status
            print(f"stopped ({args.home})")
            return 3
        srv.ping()
        print(f"running pid={srv.pid} uri={srv.uri} ready")
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - one-line error for the shell
        _log(f"error: {type(exc).__name__}: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
