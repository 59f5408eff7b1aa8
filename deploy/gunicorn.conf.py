"""gunicorn's configuration in production: `gunicorn -c deploy/gunicorn.conf.py smittesporing.wsgi`
(deploy/systemd/smittesporing.service). Each value can be changed by the variable named beside
it; the README's "Running in production" lists them.

Behind nginx (deploy/nginx/smittesporing.conf) on the same host: gunicorn listens on loopback
only, and nginx buffers slow clients, so the sync workers never wait on a client's network.
"""

import multiprocessing
import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual 2 × cores + 1 sync workers: the requests wait mostly on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# The kernel's queue of connections no worker has taken yet: bounded, so that overload is
# refused (nginx tries the next node, then answers 503) instead of queueing without end; a
# request that waited in it longer than QUEUE_TIMEOUT_SECONDS is refused by the app
# (core.shedding). 512 holds a few seconds of traffic at a node's capacity.
backlog = int(os.environ.get("GUNICORN_BACKLOG", "512"))
# A worker silent this long is killed and replaced (nginx's proxy_read_timeout is longer).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# nginx keeps connections to gunicorn open (upstream keepalive); a little over nginx's idle time.
keepalive = 75
# A worker is replaced after this many requests, staggered: a slow leak never grows for long.
max_requests = 2000
max_requests_jitter = 200
# The heartbeat file on memory, not disk (gunicorn's advice for its fchmod heartbeat).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# nginx sets X-Forwarded-Proto; only loopback (nginx) is trusted to.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Managed by systemd: no control socket to manage it by besides.
control_socket_disable = True
# nginx logs each request (without the query string); the app logs what it does. gunicorn's own
# log (workers starting, timeouts) goes to standard error, to the journal.
accesslog = None
errorlog = "-"
loglevel = "info"
proc_name = "smittesporing"

# The same default as the settings' LOG_FORMAT: JSON lines in production.
_log_format = os.environ.get("LOG_FORMAT") or (
    "json" if os.environ.get("DJANGO_ENV") == "production" else "plain"
)
if _log_format == "json":
    # gunicorn's own lines in the same JSON shape as the app's (core.logfilters).
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "core.logfilters.JsonLines"}},
        "filters": {"request_context": {"()": "core.logfilters.RequestContext"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_context"],
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False}
        },
    }


# Prometheus multiprocess mode (core/metrics.py): every worker writes its counts to files in
# PROMETHEUS_MULTIPROC_DIR, which must be set in the environment before gunicorn starts (the
# systemd unit does) and be empty at start: counts of an earlier run would be added in.
def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        server.log.warning("PROMETHEUS_MULTIPROC_DIR is not set: /metrics shows one worker only")
        return
    path = Path(directory)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, mode=0o700)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
