"""B1's load-generating side: the citizen's walk through the portal, and the clients.

Runs in a separate process with no Django (bench.b1_submissions runs drive in it), except for
DjangoClientHttp, which --tiny and bench.profile_flow use in-process.

The HTTP client is http.client with keep-alive and a two-cookie jar, not requests: the load
generator shares the machine's two cores with the app and PostgreSQL (and is counted in),
and requests costs several times the CPU per request.
"""

import datetime
import http.client
import re
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

MUNICIPALITY = "0301"
BASE = "/innlogget/smitte-selvregistrering/hjemmetest"
START, WHO, FORM, RECEIPT = BASE, f"{BASE}/hvem", f"{BASE}/skjema", f"{BASE}/kvittering"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def form_answers(today: datetime.date) -> dict:
    return {
        "phone": "+4791234567",
        "email": "bench@example.no",
        "workplace_or_school": "Kontor",
        "test_date_from": (today - datetime.timedelta(days=1)).isoformat(),
        "test_date_to": "",
        "symptom_onset_from": (today - datetime.timedelta(days=2)).isoformat(),
        "symptom_onset_to": "",
        "infection_place": "household",
        "infection_place_description": "",
        "risk_group": "no",
    }


def register_one(http, answers: dict) -> tuple[str, float | None, str]:
    """Walk the flow once. Returns (outcome, form POST ms, detail); outcome "ok" means the
    form POST answered 302 to the receipt and the receipt page came."""
    status, text, _ = http.get(f"{START}?kommunenummer={MUNICIPALITY}")
    token = CSRF_RE.search(text)
    if status != 200 or token is None:
        return "error", None, f"start GET {status}"
    csrf = token.group(1)
    status, _, location = http.post(
        START, {"csrfmiddlewaretoken": csrf, "kommunenummer": MUNICIPALITY}
    )
    if status != 302 or WHO not in location:
        return "error", None, f"start POST {status}"
    status, _, location = http.post(
        f"{WHO}?kommunenummer={MUNICIPALITY}", {"csrfmiddlewaretoken": csrf, "hvem": "self"}
    )
    if status != 302 or FORM not in location:
        return "error", None, f"who POST {status}"
    status, text, _ = http.get(FORM)
    token = CSRF_RE.search(text)
    if status != 200 or token is None:
        return "error", None, f"form GET {status}"
    started = time.perf_counter()
    status, _, location = http.post(FORM, {"csrfmiddlewaretoken": token.group(1), **answers})
    post_ms = (time.perf_counter() - started) * 1000
    if status != 302 or RECEIPT not in location:
        return "error", post_ms, f"form POST {status}"
    status, _, _ = http.get(RECEIPT)
    if status != 200:
        return "error", post_ms, f"receipt GET {status}"
    return "ok", post_ms, ""


class KeepAliveHttp:
    """One citizen's browser: one keep-alive connection and the cookies the server sets."""

    def __init__(self, base_url: str, cookie_name: str, session_key: str):
        parts = urlsplit(base_url)
        self.base = base_url
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.cookies = {cookie_name: session_key}
        self.last_headers = {}

    def _request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = dict(headers or {})
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        self.last_headers = response.headers
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:  # Django's delete_cookie
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, text, response.getheader("Location", "")

    def get(self, path: str):
        return self._request("GET", path)

    def post(self, path: str, data: dict):
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": self.base + path,
        }
        return self._request("POST", path, urlencode(data).encode(), headers)

    def close(self) -> None:
        self.connection.close()


def drive(base_url: str, cookie_name: str, jobs: list[list[tuple[str, str]]], today_iso: str):
    """The load process: one thread per client; client i registers the persons jobs[i] (each
    a (session key, fnr)). Returns per registration (fnr, outcome, post_ms, detail, total_ms)
    and the wall time from the start barrier to the last answer."""
    answers = form_answers(datetime.date.fromisoformat(today_iso))
    results: list[tuple] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(jobs) + 1)

    def client(persons):
        mine = []
        barrier.wait(timeout=120)
        for session_key, fnr in persons:
            browser = KeepAliveHttp(base_url, cookie_name, session_key)
            started = time.perf_counter()
            try:
                outcome, post_ms, detail = register_one(browser, answers)
            except (OSError, http.client.HTTPException) as exc:
                outcome, post_ms, detail = "error", None, type(exc).__name__
            mine.append((fnr, outcome, post_ms, detail, (time.perf_counter() - started) * 1000))
            browser.close()
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client, args=(persons,)) for persons in jobs]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


class DjangoClientHttp:
    """--tiny on SQLite: the same flow through Django's test client, in this process."""

    def __init__(self, cookie_name: str, session_key: str):
        from django.test import Client

        self.client = Client()
        self.client.cookies[cookie_name] = session_key

    def get(self, path: str):
        r = self.client.get(path)
        return r.status_code, r.content.decode(), r.get("Location", "")

    def post(self, path: str, data: dict):
        r = self.client.post(path, data)
        return r.status_code, r.content.decode(), r.get("Location", "")
