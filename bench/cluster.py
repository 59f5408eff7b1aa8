"""Two (or more) app nodes behind nginx on this machine: `make cluster`, the cluster tests
(tests/test_cluster.py) and the benchmarks (B1 on the cluster, B8) all start it from here.

Each node is gunicorn as production runs it (deploy/gunicorn.conf.py: sync workers, bounded
backlog) on its own port with its own workers; the nodes share PostgreSQL (DATABASE_URL) and
Redis (REDIS_URL), and nothing else. nginx runs unprivileged with a prefix of its own under the
run directory and the configuration deploy/nginx/cluster.conf.template filled in: round robin
over the nodes, passive health (max_fails/fail_timeout), another node tried only for what was
not sent yet or is idempotent, its own failures as the app's busy page (503, Retry-After).

Open-source nginx has no active health checks, so a watcher thread here polls every node's
/readyz and marks a node `down` in the upstream (and reloads nginx) after FAILS_TO_DOWN refused
or failed polls in a row (BUSY_TO_DOWN unanswered ones: a node too busy to answer a probe is not
taken out, which would only load the other more), and up again after one that answers 200
(docs/adr/0014-cluster-and-shedding.md).

    python -m bench.cluster [--nodes 2] [--workers 3] [--port 18080]    (what `make cluster` runs)
"""

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.server import worker_pids

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx" / "cluster.conf.template"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/smittesporing_cluster"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
FAIL_TIMEOUT_SECONDS = 5
POLL_SECONDS = 0.5
FAILS_TO_DOWN = 2
BUSY_TO_DOWN = 20


@dataclass
class Node:
    name: str
    port: int
    workers: int
    process: subprocess.Popen | None = None
    log: object = None
    ready: bool = True  # as the upstream shows it (the watcher's view)
    failed_polls: int = 0
    busy_polls: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Cluster:
    """Start with `with Cluster(...) as cluster:`; everything it started stops at the end."""

    database_url: str
    ports: list[int]  # nginx first, then one per node
    redis_url: str = DEFAULT_REDIS_URL
    workers: int = 3
    secret_key: str = ""
    queue_timeout_seconds: float = 2.0
    retry_after_seconds: int = 120
    backlog: int = 512
    extra_env: dict[str, str] = field(default_factory=dict)
    run_dir: Path | None = None
    access_log: bool = True
    watch: bool = True

    def __post_init__(self):
        self.nodes = [
            Node(name=f"node{i + 1}", port=port, workers=self.workers)
            for i, port in enumerate(self.ports[1:])
        ]
        self.nginx: subprocess.Popen | None = None
        self._own_run_dir = self.run_dir is None
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._upstream_lock = threading.Lock()
        self.events: list[tuple[float, str]] = []  # (time, what the watcher did)
        self.secret_key = self.secret_key or secrets.token_urlsafe(48)
        self.cache_key_prefix = f"cluster-{secrets.token_hex(4)}"

    # --- addresses ------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self.ports[0]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- starting and stopping ------------------------------------------------------------

    def __enter__(self) -> "Cluster":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        if self.run_dir is None:
            self.run_dir = Path(tempfile.mkdtemp(prefix="smittesporing-cluster-"))
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "html").mkdir(exist_ok=True)
        # Run by root, nginx's workers are `nobody`, and read the busy page from here.
        for directory in (self.run_dir, self.run_dir / "html"):
            directory.chmod(0o755)
        (self.run_dir / "html" / "_overloaded.html").write_bytes(
            busy_page(self.retry_after_seconds)
        )
        for node in self.nodes:
            self.node_start(node)
        for node in self.nodes:
            wait_ready(node.url, process=node.process)
        self._write_upstream()
        (self.run_dir / "nginx.conf").write_text(self.nginx_conf())
        args = self._nginx_args()
        checked = subprocess.run([*args, "-t"], capture_output=True, text=True, timeout=30)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{checked.stderr}")
        self.nginx = subprocess.Popen(
            [*args, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=(self.run_dir / "nginx-stderr.log").open("w"),
        )
        wait_ready(self.url, process=self.nginx)
        if self.watch:
            self._watcher = threading.Thread(target=self._watch, daemon=True, name="readyz-watch")
            self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        if self.nginx is not None:
            _terminate(self.nginx)
        for node in self.nodes:
            self.node_stop(node)
        if self._own_run_dir and self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def _nginx_args(self) -> list[str]:
        run = str(self.run_dir)
        return [NGINX, "-p", run, "-e", f"{run}/nginx-startup.log", "-c", f"{run}/nginx.conf"]

    def nginx_conf(self) -> str:
        text = TEMPLATE.read_text()
        access_log = f"{self.run_dir / 'access.log'} cluster" if self.access_log else "off"
        for name, value in {
            "RUN": str(self.run_dir),
            "PORT": str(self.port),
            "RETRY_AFTER": str(self.retry_after_seconds),
            "ACCESS_LOG": access_log,
        }.items():
            text = text.replace(f"@@{name}@@", value)
        if "@@" in text:
            raise RuntimeError("deploy/nginx/cluster.conf.template has a placeholder not filled")
        return text

    def upstream_conf(self) -> str:
        lines = [
            f"server 127.0.0.1:{node.port} max_fails=1 fail_timeout={FAIL_TIMEOUT_SECONDS}s"
            f"{'' if node.ready else ' down'};"
            for node in self.nodes
        ]
        return "\n".join(lines) + "\n"

    def _write_upstream(self) -> None:
        path = self.run_dir / "upstream.conf"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(self.upstream_conf())
        tmp.replace(path)

    def node_environment(self, node: Node) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "PROMETHEUS_MULTIPROC_DIR"):
            env.pop(name, None)
        env.update(
            DJANGO_ENV="development",
            DJANGO_SETTINGS_MODULE="smittesporing.settings",
            DEBUG="false",
            LOG_LEVEL="WARNING",
            LOG_FORMAT="plain",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            SECRET_KEY=self.secret_key,
            SITE_URL=self.url,
            # The rate-limit counts of this cluster start empty, whatever Redis holds.
            CACHE_KEY_PREFIX=self.cache_key_prefix,
            # nginx overwrites X-Real-IP with the client's address (S9 counts by it).
            RATE_LIMIT_CLIENT_IP_HEADER="HTTP_X_REAL_IP",
            QUEUE_TIMEOUT_SECONDS=str(self.queue_timeout_seconds),
            OVERLOAD_RETRY_AFTER_SECONDS=str(self.retry_after_seconds),
            GUNICORN_BIND=f"127.0.0.1:{node.port}",
            GUNICORN_WORKERS=str(node.workers),
            GUNICORN_BACKLOG=str(self.backlog),
            PROMETHEUS_MULTIPROC_DIR=str(self.run_dir / node.name / "prometheus"),
        )
        env.update(self.extra_env)
        return env

    def node_start(self, node: Node) -> None:
        (self.run_dir / node.name).mkdir(exist_ok=True)
        node.log = (self.run_dir / f"{node.name}.log").open("a")
        gunicorn = Path(sys.executable).parent / "gunicorn"
        node.process = subprocess.Popen(
            [str(gunicorn), "-c", str(GUNICORN_CONF), "smittesporing.wsgi:application"],
            cwd=ROOT,
            env=self.node_environment(node),
            stdout=node.log,
            stderr=subprocess.STDOUT,
        )

    def node_stop(self, node: Node) -> None:
        if node.process is not None:
            _terminate(node.process)
        if node.log is not None:
            node.log.close()
            node.log = None

    def node_kill(self, node: Node) -> list[int]:
        """kill -9 of the node's gunicorn master and each of its workers (a machine that
        lost power, as far as this node is concerned). Returns the pids killed."""
        master = node.process.pid
        pids = [master, *worker_pids(master)]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        node.process.wait()
        # Orphaned workers are reaped by init; make sure none is left serving.
        deadline = time.monotonic() + 10
        while any(_pid_alive(pid) for pid in pids[1:]) and time.monotonic() < deadline:
            time.sleep(0.05)
        return pids

    def node_restart(self, node: Node) -> None:
        self.node_stop(node)
        self.node_start(node)
        wait_ready(node.url, process=node.process)

    # --- the /readyz watcher --------------------------------------------------------------

    def _watch(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            changed = False
            for node in self.nodes:
                answer = probe(node.url)
                with self._upstream_lock:
                    if answer == READY:
                        node.failed_polls = node.busy_polls = 0
                        if not node.ready:
                            node.ready, changed = True, True
                            self.events.append((time.time(), f"{node.name} up"))
                        continue
                    if answer == BUSY:
                        # No answer within the probe's time: every worker is busy. Taking a
                        # busy node out would only make the other busier; a hung one is
                        # taken out after BUSY_TO_DOWN polls in a row.
                        node.busy_polls += 1
                    else:
                        node.failed_polls += 1
                    if node.ready and (
                        node.failed_polls >= FAILS_TO_DOWN or node.busy_polls >= BUSY_TO_DOWN
                    ):
                        node.ready, changed = False, True
                        self.events.append((time.time(), f"{node.name} down"))
            if changed:
                self._reload_upstream()

    def _reload_upstream(self) -> None:
        with self._upstream_lock:
            if all(not node.ready for node in self.nodes):
                # nginx refuses an upstream of `down` servers only; let passive checks decide.
                for node in self.nodes:
                    node.ready = True
            self._write_upstream()
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGHUP)  # graceful: old workers finish their requests

    def wait_for(self, what: str, *, since: float = 0, seconds: float = 15) -> bool:
        """Wait until the watcher has recorded `what` (e.g. "node1 up") after `since`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if any(event == what and at >= since for at, event in self.events):
                return True
            time.sleep(0.1)
        return False


def busy_page(retry_after: int) -> bytes:
    """The busy page as the app renders it (core.shedding), for nginx's own 502/504."""
    from django.test import RequestFactory

    from core.shedding import overloaded

    request = RequestFactory().get("/")
    return overloaded(request, retry_after=retry_after).content


READY, BUSY, FAILED = "ready", "busy", "failed"


def probe(url: str, *, timeout: float = 2) -> str:
    """READY: /readyz answered 200. FAILED: refused, or answered otherwise (503: the node cannot
    reach PostgreSQL or Redis). BUSY: no answer in time."""
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=timeout) as response:  # noqa: S310
            return READY if response.status == 200 else FAILED
    except urllib.error.HTTPError:
        return FAILED
    except TimeoutError:
        return BUSY
    except urllib.error.URLError as exc:
        return BUSY if isinstance(exc.reason, TimeoutError) else FAILED
    except OSError:
        return FAILED


def probe_ready(url: str) -> bool:
    return probe(url, timeout=1) == READY


def wait_ready(url: str, *, process: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        if probe_ready(url):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url}/readyz did not answer 200 within {seconds} s")


def _pid_alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _terminate(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- make cluster ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__)
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per node")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", 18080)))
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")
    args = parser.parse_args(argv)
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smittesporing.settings")
    os.environ.setdefault("DJANGO_ENV", "development")
    import dj_database_url

    from bench.common import _create_postgres_database

    database_url = os.environ["DATABASE_URL"]
    if "postgresql" not in dj_database_url.parse(database_url)["ENGINE"]:
        print("make cluster needs PostgreSQL (DATABASE_URL=postgres://...)", file=sys.stderr)
        return 2
    _create_postgres_database(dj_database_url.parse(database_url))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if settings.PRODUCTION:
        print("make cluster is a development and test set-up; refused in production")
        return 2
    call_command("migrate", interactive=False, verbosity=0)
    if not args.no_demo:
        call_command("load_demo_data", verbosity=0)
    ports = [args.port + i for i in range(args.nodes + 1)]
    run_dir = ROOT / "run" / "cluster"
    with Cluster(
        database_url=database_url,
        ports=ports,
        redis_url=os.environ.get("REDIS_URL", DEFAULT_REDIS_URL),
        workers=args.workers,
        secret_key=os.environ.get("SECRET_KEY", ""),
        run_dir=run_dir,
    ) as cluster:
        print(f"nginx  {cluster.url}  (logs and configuration in {run_dir})")
        for node in cluster.nodes:
            print(
                f"{node.name:6} {node.url}  {node.workers} workers, log {run_dir}/{node.name}.log"
            )
        print("Ctrl-C stops everything.", flush=True)
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        try:
            while not stopped.wait(1):
                for node in cluster.nodes:
                    if not node.alive:  # as systemd's Restart= would: start it again
                        print(f"{node.name} exited ({node.process.returncode}); restarting")
                        cluster.node_restart(node)
                        print(f"{node.name} serves again", flush=True)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
