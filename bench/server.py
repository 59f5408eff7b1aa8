"""The app under gunicorn for the HTTP benchmarks (B1), and B6's memory readings from /proc."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_environment(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_ENV="development",
        DEBUG="false",
        LOG_LEVEL="WARNING",
        RATE_LIMIT_SELFREG_SUBMIT_CLIENT="10000000/600",
        DJANGO_SETTINGS_MODULE="smittesporing.settings",
    )
    return env


@contextlib.contextmanager
def gunicorn(database_url: str, *, workers: int, threads: int, probe_path: str):
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "smittesporing.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "gthread",
        "--backlog", "2048",
        "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=server_environment(database_url))
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base, process, workers, probe_path)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(base: str, process, workers: int, probe_path: str) -> None:
    import requests

    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        with contextlib.suppress(requests.RequestException):
            requests.get(base + probe_path, allow_redirects=False, timeout=2)
            if len(worker_pids(process.pid)) >= workers:
                # Warm each worker (imports, URL resolver, templates) before measuring.
                for _ in range(workers * 4):
                    requests.get(base + probe_path, allow_redirects=False, timeout=10)
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == master:
                pids.append(int(entry.name))
    return sorted(pids)


def memory_kb(pid: int) -> dict:
    values = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


class MemoryWatch:
    """B6: samples every worker's VmRSS and VmHWM twice a second while the load runs."""

    def __init__(self, master: int):
        self.master = master
        self.peak: dict[int, dict] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(0.5)

    def sample(self):
        for pid in worker_pids(self.master):
            now = memory_kb(pid)
            if not now:
                continue
            peak = self.peak.setdefault(pid, {"VmRSS": 0, "VmHWM": 0})
            for key in peak:
                peak[key] = max(peak[key], now.get(key, 0))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.sample()

    def summary(self) -> dict:
        master = memory_kb(self.master)
        return {
            "workers": len(self.peak),
            "worker_peak_rss_mb": [round(v["VmRSS"] / 1024, 1) for v in self.peak.values()],
            "worker_vmhwm_mb": [round(v["VmHWM"] / 1024, 1) for v in self.peak.values()],
            "max_worker_vmhwm_mb": round(max((v["VmHWM"] for v in self.peak.values()), default=0)
                                         / 1024, 1),
            "master_vmhwm_mb": round(master.get("VmHWM", 0) / 1024, 1),
        }  # fmt: skip
