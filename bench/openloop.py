"""B8's load generator: registrations offered at a fixed arrival rate, whatever the answers.

Runs in a process of its own (bench.b8_open_loop starts it, spawn; no Django here). One asyncio
loop: arrival i is due at start + i / rate; at that moment a task starts the citizen's walk
through the portal (the six requests of B1, bench.loadgen) on a connection of its own. A slow
answer delays only that citizen, never the next arrival: there is no coordinated omission
(Tene's term; wrt2 and Gatling's open injection work the same way). Latency is measured from
the intended moment: a registration's from its arrival time, a request's from when the one
before it was answered (the citizen sends the next page at once).

HTTP/1.1 is written by hand on asyncio streams (keep-alive, Content-Length and chunked bodies,
two cookies): the generator shares the two cores with what it measures, and a full client
library costs several times the CPU per request.
"""

import asyncio
import datetime
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from bench.loadgen import CSRF_RE, FORM, MUNICIPALITY, RECEIPT, START, WHO, form_answers

REQUEST_TIMEOUT_SECONDS = 60


class Shed(Exception):
    """A 503 (the busy page) at some step."""

    def __init__(self, step: str, retry_after: bool):
        super().__init__(step)
        self.step, self.retry_after = step, retry_after


class Failed(Exception):
    """An answer that is neither what the step expects nor a 503; or no answer."""


class Browser:
    def __init__(self, host: str, port: int, cookie_name: str, session_key: str):
        self.host, self.port = host, port
        self.cookies = {cookie_name: session_key}
        self.reader = self.writer = None

    async def _connect(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self):
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    async def request(self, method: str, path: str, data: dict | None = None):
        """(status, headers, body text); headers with lower-case names. A kept-alive connection
        that the server closed before answering (nginx closes idle ones on a reload) is opened
        again and the request sent once more, as browsers do: nothing of it was read."""
        reused = self.writer is not None
        if not reused:
            await self._connect()
        try:
            return await self._exchange(method, path, data)
        except asyncio.IncompleteReadError as exc:
            if not reused or exc.partial:
                raise
            self.close()
            await self._connect()
            return await self._exchange(method, path, data)

    async def _exchange(self, method: str, path: str, data: dict | None):
        body = urlencode(data).encode() if data is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        ]
        if data is not None:
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Referer: http://{self.host}:{self.port}{path}",
            ]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        headers: dict[str, list[str]] = {}
        for line in header_lines:
            if ":" in line:
                name, _, value = line.partition(":")
                headers.setdefault(name.strip().lower(), []).append(value.strip())
        if "chunked" in ",".join(headers.get("transfer-encoding", [])).lower():
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            content = b"".join(chunks)
        else:
            content = await self.reader.readexactly(int(headers.get("content-length", ["0"])[0]))
        for header in headers.get("set-cookie", []):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if "close" in ",".join(headers.get("connection", [])).lower():
            self.close()
        return status, headers, content.decode("utf-8", "replace")


async def _step(browser, timings, step, method, path, data=None, *, expect, location=None):
    started = time.time()
    try:
        status, headers, text = await asyncio.wait_for(
            browser.request(method, path, data), REQUEST_TIMEOUT_SECONDS
        )
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
        browser.close()
        raise Failed(f"{step} {type(exc).__name__}") from exc
    return _checked(timings, step, started, status, headers, text, expect, location)


def _checked(timings, step, started, status, headers, text, expect, location):
    timings.append((step, (time.time() - started) * 1000, status))
    if status == 503:
        raise Shed(step, bool(headers.get("retry-after")))
    where = headers.get("location", [""])[0]
    if status != expect or (location and location not in where):
        raise Failed(f"{step} {status}")
    return text


async def citizen(host, port, cookie_name, session_key, fnr, due, answers, results):
    """One arrival: walk the flow; append the outcome to `results`."""
    browser = Browser(host, port, cookie_name, session_key)
    timings: list[tuple[str, float, int]] = []
    outcome = {"fnr": fnr, "outcome": "ok", "step": "", "retry_after": True, "accepted": False}
    first_sent = time.time()
    try:
        text = await _step(browser, timings, "start GET", "GET",
                           f"{START}?kommunenummer={MUNICIPALITY}", expect=200)  # fmt: skip
        # The first request's latency counts from its intended moment, not from when sent.
        step, ms, status = timings[0]
        timings[0] = (step, ms + (first_sent - due) * 1000, status)
        token = CSRF_RE.search(text)
        if token is None:
            raise Failed("start GET no form")
        csrf = token.group(1)
        await _step(browser, timings, "start POST", "POST", START,
                    {"csrfmiddlewaretoken": csrf, "kommunenummer": MUNICIPALITY},
                    expect=302, location=WHO)  # fmt: skip
        await _step(browser, timings, "who POST", "POST", f"{WHO}?kommunenummer={MUNICIPALITY}",
                    {"csrfmiddlewaretoken": csrf, "hvem": "self"}, expect=302, location=FORM)  # fmt: skip
        text = await _step(browser, timings, "form GET", "GET", FORM, expect=200)
        token = CSRF_RE.search(text)
        if token is None:
            raise Failed("form GET no form")
        await _step(browser, timings, "form POST", "POST", FORM,
                    {"csrfmiddlewaretoken": token.group(1), **answers},
                    expect=302, location=RECEIPT)  # fmt: skip
        outcome["accepted"] = True  # the registration is in (C-8); the receipt page follows
        await _step(browser, timings, "receipt GET", "GET", RECEIPT, expect=200)
    except Shed as exc:
        outcome.update(outcome="shed", step=exc.step, retry_after=exc.retry_after)
    except Failed as exc:
        outcome.update(outcome="error", step=str(exc))
    finally:
        browser.close()
    outcome["total_ms"] = (time.time() - due) * 1000
    outcome["timings"] = timings
    results.append(outcome)


async def _offer(base_url, cookie_name, sessions, rate, today_iso):
    parts = urlsplit(base_url)
    answers = form_answers(datetime.date.fromisoformat(today_iso))
    results: list[dict] = []
    tasks = []
    late_ms = []
    loop_start = time.time() + 0.2
    for i, (session_key, fnr) in enumerate(sessions):
        due = loop_start + i / rate
        delay = due - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        late_ms.append(max(0.0, (time.time() - due) * 1000))
        tasks.append(
            asyncio.create_task(
                citizen(
                    parts.hostname, parts.port, cookie_name, session_key, fnr, due, answers, results
                )
            )
        )
    offered_seconds = time.time() - loop_start
    await asyncio.gather(*tasks)
    return results, offered_seconds, time.time() - loop_start, late_ms


def offer(base_url: str, cookie_name: str, sessions: list, rate: float, today_iso: str):
    """Offer len(sessions) registrations at `rate` per second. Returns (results, seconds over
    which they were offered, seconds until the last answered, how late each arrival started)."""
    return asyncio.run(_offer(base_url, cookie_name, sessions, rate, today_iso))
