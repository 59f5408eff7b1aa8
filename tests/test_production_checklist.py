"""The README's production checklist, followed literally on this machine.

Steps 1 and 2 (Debian's packages, `make deps static messages`) are what `make test` has done
before it runs this. From this checkout, with the production variables of deploy/production.env.example (the
CHANGE-ME values filled in by the test): the checklist's manage.py commands in the README's
order (check --deploy, collectstatic, migrate) on a fresh PostgreSQL database; gunicorn as the
systemd unit starts it (deploy/systemd/smittesporing.service, deploy/gunicorn.conf.py);
Debian's nginx with the site of deploy/nginx/ and a self-signed certificate made here. Then an
HTTPS request through nginx gets the front page with HSTS, and the stylesheet it links to is
served from STATIC_ROOT. What the operator edits in the deploy files (host name, certificate
and static paths, ports) is replaced, each replacement checked to have found its text.

Needs PostgreSQL and Redis on 127.0.0.1 (production refuses SQLite and a missing REDIS_URL)
and Debian's nginx (`make nginx`, a prerequisite of `make test`).
"""

import datetime
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
POSTGRES_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
CHECKOUT = "/srv/smittesporing"  # where the deploy files expect the checkout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def checklist_commands() -> list[str]:
    """The manage.py lines of the README's "Production checklist" code blocks, in order."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Production checklist", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [
        line.strip()
        for block in blocks
        for line in block.splitlines()
        if line.strip().startswith(".venv/bin/python manage.py")
    ]


def env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def unit_directives(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            name, _, value = line.partition("=")
            found.setdefault(name.strip(), []).append(value.strip())
    return found


def replaced(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in text, f"the deploy file no longer contains {old!r}: update this test"
        text = text.replace(old, new)
    return text


def self_signed_certificate(directory: Path, host: str) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def rsa_key_file(path: Path) -> Path:
    """A private key as the operator puts it: PEM, readable by its owner only."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)
    return path


def wait_until_answers(url: str, *, process: subprocess.Popen, seconds: float = 45, **kwargs):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited with {process.returncode}")
        try:
            return requests.get(url, timeout=2, **kwargs)
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def workdir():
    # Not pytest's tmp_path: its parents are private to root, and nginx's workers (nobody)
    # read the static files from here.
    path = Path(tempfile.mkdtemp(prefix="smittesporing-deploy-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def fresh_database():
    import psycopg

    name = f"smittesporing_deploy_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"needs PostgreSQL on 127.0.0.1:5432 (production refuses SQLite): {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgres://postgres@127.0.0.1:5432/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_environment(**filled: str) -> dict[str, str]:
    """deploy/production.env.example with every CHANGE-ME filled in, and nothing of this
    process's environment but PATH (systemd's EnvironmentFile gives the app no more)."""
    values = env_file(DEPLOY / "production.env.example")
    values.update(filled)
    unfilled = [name for name, value in values.items() if "CHANGE-ME" in value]
    assert not unfilled, f"fill these in the test, as an operator would: {unfilled}"
    return {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", **values}


def test_the_production_checklist_serves_an_https_page_with_hsts_and_static_files(
    workdir, fresh_database
):
    assert Path(NGINX).exists(), "needs Debian's nginx: run `make nginx` (part of `make test`)"
    commands = checklist_commands()
    assert [c.split()[2] for c in commands] == ["check", "collectstatic", "migrate"], commands

    host = "localhost"
    https_port, http_port, app_port = free_port(), free_port(), free_port()
    static_root = workdir / "staticfiles"
    env = production_environment(
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=fresh_database,
        REDIS_URL="redis://127.0.0.1:6379/14",
        ALLOWED_HOSTS=f"{host},127.0.0.1",
        CSRF_TRUSTED_ORIGINS=f"https://{host}:{https_port}",
        SITE_URL=f"https://{host}:{https_port}",
        STATIC_ROOT=str(static_root),
        OIDC_CLIENT_ID="smittesporing-test",
        OIDC_CLIENT_SECRET=secrets.token_urlsafe(32),
        MASKINPORTEN_CLIENT_ID="smittesporing-test-client",
        MASKINPORTEN_KID="smittesporing-test-key",
        MASKINPORTEN_KEY_FILE=str(rsa_key_file(workdir / "maskinporten.pem")),
        EMAIL_HOST="127.0.0.1",
        SMS_GATEWAY_URL="https://sms.invalid/send",
        SMS_GATEWAY_TOKEN=secrets.token_urlsafe(32),
        GUNICORN_BIND=f"127.0.0.1:{app_port}",
        GUNICORN_WORKERS="2",
    )

    # The checklist's manage.py steps, as written.
    for command in commands:
        result = subprocess.run(
            shlex.split(command), cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    assert (static_root / "staticfiles.json").exists(), "collectstatic wrote the manifest"

    # gunicorn as the systemd unit starts it.
    unit = unit_directives(DEPLOY / "systemd" / "smittesporing.service")
    assert unit["WorkingDirectory"] == [CHECKOUT]
    for assignment in unit.get("Environment", []):
        name, _, value = assignment.partition("=")
        env[name] = value.replace("/run/smittesporing", str(workdir / "run"))
    assert env["PROMETHEUS_MULTIPROC_DIR"] == str(workdir / "run" / "prometheus")
    (exec_start,) = unit["ExecStart"]
    gunicorn_log = (workdir / "gunicorn.log").open("w")
    gunicorn = subprocess.Popen(
        shlex.split(exec_start.replace(CHECKOUT, str(ROOT))),
        cwd=ROOT,
        env=env,
        stdout=gunicorn_log,
        stderr=subprocess.STDOUT,
    )
    nginx = None
    try:
        app = f"http://127.0.0.1:{app_port}"
        # Probes go to gunicorn directly, over plain HTTP: not redirected to HTTPS.
        health = wait_until_answers(f"{app}/healthz", process=gunicorn, allow_redirects=False)
        assert health.status_code == 200, health.text
        ready = requests.get(f"{app}/readyz", timeout=5, allow_redirects=False)
        assert ready.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}

        # nginx from Debian's package, with the site of deploy/nginx/ and a certificate.
        certificate, key = self_signed_certificate(workdir, host)
        site = replaced(
            (DEPLOY / "nginx" / "smittesporing.conf").read_text(),
            {
                "smittesporing.kommune.no": host,
                "/etc/ssl/smittesporing/fullchain.pem": str(certificate),
                "/etc/ssl/smittesporing/privkey.pem": str(key),
                "/srv/smittesporing/staticfiles/": f"{static_root}/",
                "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
                "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
                "listen [::]:443 ssl http2;": f"listen [::1]:{https_port} ssl http2;",
                "listen 80;": f"listen 127.0.0.1:{http_port};",
                "listen [::]:80;": f"listen [::1]:{http_port};",
                "/var/log/nginx/": f"{workdir}/",
            },
        )
        (workdir / "smittesporing.conf").write_text(site)
        # What Debian's /etc/nginx/nginx.conf provides around a site, with this test's paths.
        (workdir / "nginx.conf").write_text(
            f"""
            worker_processes 1;
            pid {workdir}/nginx.pid;
            error_log {workdir}/nginx-error.log warn;
            events {{ worker_connections 256; }}
            http {{
                include /etc/nginx/mime.types;
                default_type application/octet-stream;
                sendfile on;
                client_body_temp_path {workdir}/nginx-body;
                proxy_temp_path {workdir}/nginx-proxy;
                fastcgi_temp_path {workdir}/nginx-fastcgi;
                uwsgi_temp_path {workdir}/nginx-uwsgi;
                scgi_temp_path {workdir}/nginx-scgi;
                include {workdir}/smittesporing.conf;
            }}
            """
        )
        nginx_args = [NGINX, "-p", str(workdir), "-e", str(workdir / "nginx-startup.log")]
        nginx_args += ["-c", str(workdir / "nginx.conf")]
        checked = subprocess.run([*nginx_args, "-t"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        nginx = subprocess.Popen([*nginx_args, "-g", "daemon off;"], stderr=subprocess.PIPE)

        site_url = f"https://{host}:{https_port}"
        page = wait_until_answers(f"{site_url}/", process=nginx, verify=str(certificate))
        assert page.status_code == 200, page.text[:500]
        assert "<html" in page.text and 'href="/smittesporing/logg-inn/"' in page.text
        assert page.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        ), "HSTS, once"
        assert re.fullmatch(r"[0-9a-f]{32}", page.headers["X-Request-ID"]), "nginx's request id"
        assert "nginx/" not in page.headers.get("Server", "")

        # The stylesheet the page links to: collected, hashed, served by nginx.
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.text)
        assert stylesheet, "the page links to the collected, hashed stylesheet"
        static = requests.get(f"{site_url}{stylesheet.group(1)}", timeout=5, verify=certificate)
        assert static.status_code == 200
        assert static.headers["Content-Type"].startswith("text/css")
        assert (
            static.content
            == (static_root / stylesheet.group(1).removeprefix("/static/")).read_bytes()
        )
        assert "immutable" in static.headers["Cache-Control"]
        assert static.headers["Strict-Transport-Security"].startswith("max-age=31536000")

        # Plain HTTP is sent to HTTPS; the metrics are not for the public side.
        plain = requests.get(f"http://{host}:{http_port}/", timeout=5, allow_redirects=False)
        assert plain.status_code == 301
        assert plain.headers["Location"].startswith(f"https://{host}")
        hidden = requests.get(f"{site_url}/metrics", timeout=5, verify=certificate)
        assert hidden.status_code == 404 and b"smittesporing_http" not in hidden.content
        ready = requests.get(f"{site_url}/readyz", timeout=5, verify=certificate)
        assert ready.status_code == 200

        # Prometheus, scraping gunicorn from loopback: the workers' counts added up.
        metrics = requests.get(f"{app}/metrics", timeout=5).text
        assert re.search(
            r'smittesporing_http_requests_total\{method="GET",route="home",status="200"\} [1-9]',
            metrics,
        ), metrics[:2000]
        assert list((workdir / "run" / "prometheus").glob("counter_*.db"))
    finally:
        if nginx is not None:
            stop(nginx)
        stop(gunicorn)
        gunicorn_log.close()

    # Production logs are JSON lines (gunicorn's own included), without secrets.
    lines = [line for line in (workdir / "gunicorn.log").read_text().splitlines() if line]
    assert lines
    for line in lines:
        assert json.loads(line)["level"], line
    assert env["SECRET_KEY"] not in "\n".join(lines)
