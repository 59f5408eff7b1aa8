"""A node killed mid-load: registrations through nginx while one node's gunicorn master and
workers get kill -9, then the node is started again. Used by tests/test_cluster.py (which
asserts) and by B8 (which reports).

Each client is a citizen's browser (bench.loadgen.KeepAliveHttp) walking the portal's flow; a
step that fails (a connection error, or a 5xx: nginx answers 503 for a request the dead node
took with it) is tried again with the same session after a short pause, as a citizen presses
the button again; the form is sent again with the same CSRF token and answers. C-8 says what
such a resend gets: the receipt of the first registration, never a second index.
"""

import datetime
import http.client
import os
import threading
import time
from dataclasses import dataclass, field

from bench.loadgen import CSRF_RE, FORM, MUNICIPALITY, RECEIPT, START, WHO, KeepAliveHttp

RETRIES = 8
RETRY_PAUSE_SECONDS = 0.3


@dataclass
class Outcome:
    fnr: str
    ok: bool = False
    started: float = 0.0
    finished: float = 0.0
    failures: list[str] = field(default_factory=list)  # each failed attempt: "step status"
    form_resent: bool = False  # the form POST failed at least once and was sent again
    refusals_without_retry_after: int = 0
    reconnects: int = 0  # kept-alive connections found closed and opened again, unseen


class _Citizen:
    def __init__(self, base_url: str, cookie_name: str, session_key: str, outcome: Outcome):
        self.base_url, self.cookie_name, self.session_key = base_url, cookie_name, session_key
        self.outcome = outcome
        self.http = KeepAliveHttp(base_url, cookie_name, session_key)
        self.answered = 0  # answers on the current connection

    def _try(self, step: str, call, accept) -> tuple | None:
        for _ in range(RETRIES):
            try:
                answer = call()
            except (OSError, http.client.HTTPException) as exc:
                if isinstance(exc, http.client.RemoteDisconnected) and self.answered:
                    # A kept-alive connection closed before any answer (nginx closes idle ones
                    # when it reloads): a browser opens another and sends again, unseen.
                    self.outcome.reconnects += 1
                    self._reconnect()
                    continue
                self.outcome.failures.append(f"{step} {type(exc).__name__}")
                self._reconnect()
            else:
                self.answered += 1
                if accept(answer):
                    return answer
                self.outcome.failures.append(f"{step} {answer[0]}")
                if answer[0] < 500 and os.environ.get("FAILOVER_DEBUG"):
                    print(step, answer[0], answer[1][:3000])
                if answer[0] == 503 and not answer[3]:
                    self.outcome.refusals_without_retry_after += 1
                if answer[0] < 500:
                    return None  # an answer that retrying will not change
            if step == "form POST":
                self.outcome.form_resent = True
            time.sleep(RETRY_PAUSE_SECONDS)
        return None

    def _reconnect(self) -> None:
        """A new connection; the cookies stay."""
        cookies = self.http.cookies
        self.http.close()
        self.http = KeepAliveHttp(self.base_url, self.cookie_name, self.session_key)
        self.http.cookies = cookies
        self.answered = 0

    def register(self, answers: dict) -> None:
        http_ = lambda: self.http  # noqa: E731  (the connection may be replaced between tries)
        page = self._try(
            "start GET",
            lambda: _with_retry_after(http_().get, f"{START}?kommunenummer={MUNICIPALITY}"),
            lambda a: a[0] == 200 and CSRF_RE.search(a[1]),
        )
        if page is None:
            return
        csrf = CSRF_RE.search(page[1]).group(1)
        if not self._try(
            "start POST",
            lambda: _with_retry_after(
                http_().post, START, {"csrfmiddlewaretoken": csrf, "kommunenummer": MUNICIPALITY}
            ),
            lambda a: a[0] == 302 and WHO in a[2],
        ):
            return
        if not self._try(
            "who POST",
            lambda: _with_retry_after(
                http_().post,
                f"{WHO}?kommunenummer={MUNICIPALITY}",
                {"csrfmiddlewaretoken": csrf, "hvem": "self"},
            ),
            lambda a: a[0] == 302 and FORM in a[2],
        ):
            return
        form = self._try(
            "form GET",
            lambda: _with_retry_after(http_().get, FORM),
            lambda a: a[0] == 200 and CSRF_RE.search(a[1]),
        )
        if form is None:
            return
        data = {"csrfmiddlewaretoken": CSRF_RE.search(form[1]).group(1), **answers}
        if not self._try(
            "form POST",
            lambda: _with_retry_after(http_().post, FORM, data),
            lambda a: a[0] == 302 and RECEIPT in a[2],
        ):
            return
        receipt = self._try(
            "receipt GET",
            lambda: _with_retry_after(http_().get, RECEIPT),
            lambda a: a[0] == 200 and "Skjemaet er registrert" in a[1],
        )
        self.outcome.ok = receipt is not None

    def close(self) -> None:
        self.http.close()


def _with_retry_after(method, *args):
    """(status, body, location, has Retry-After) of one request."""
    status, text, location = method(*args)
    return status, text, location, "Retry-After" in getattr(method.__self__, "last_headers", {})


@dataclass
class KillRun:
    outcomes: list[Outcome]
    seconds: float
    killed_at: float
    down_at: float  # when the watcher had taken the node out
    restarted_at: float
    killed_pids: list[int]
    watcher_events: list[tuple[float, str]]


def run_with_kill(
    cluster,
    sessions: list[tuple[str, str]],
    *,
    cookie_name: str,
    clients: int,
    kill_after: int,
    while_down: int,
    today: datetime.date,
    node_index: int = 0,
) -> KillRun:
    """Register `sessions` ((session key, fnr) each) through nginx with `clients` threads; kill
    node `node_index` once `kill_after` registrations have finished, and start it again once
    `while_down` more have finished after the watcher took it out of nginx."""
    from bench.loadgen import form_answers

    answers = form_answers(today)
    queue = list(reversed(sessions))
    lock = threading.Lock()
    outcomes: list[Outcome] = []
    done = threading.Condition(lock)

    def client():
        while True:
            with lock:
                if not queue:
                    return
                session_key, fnr = queue.pop()
            outcome = Outcome(fnr=fnr, started=time.time())
            citizen = _Citizen(cluster.url, cookie_name, session_key, outcome)
            try:
                citizen.register(answers)
            finally:
                citizen.close()
            outcome.finished = time.time()
            with done:
                outcomes.append(outcome)
                done.notify_all()

    def finished_count(n: int) -> None:
        with done:
            done.wait_for(lambda: len(outcomes) >= n or not any(t.is_alive() for t in threads))

    started = time.monotonic()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    node = cluster.nodes[node_index]
    finished_count(kill_after)
    killed_at = time.time()
    pids = cluster.node_kill(node)
    cluster.wait_for(f"{node.name} down", since=killed_at, seconds=30)
    down_at = time.time()
    with lock:
        finished_when_down = len(outcomes)
    finished_count(finished_when_down + while_down)
    restarted_at = time.time()
    cluster.node_restart(node)
    for thread in threads:
        thread.join()
    return KillRun(
        outcomes=outcomes,
        seconds=time.monotonic() - started,
        killed_at=killed_at,
        down_at=down_at,
        restarted_at=restarted_at,
        killed_pids=pids,
        watcher_events=list(cluster.events),
    )


def verify_exactly_once(outcomes: list[Outcome]) -> dict:
    """In the database: each registration a client saw accepted exactly once, with its two
    notes and its lock; no index or person for one it did not see accepted; no other rows."""
    from django.db.models import Count

    from tracing.models import Index, Note, Person, PersonLock

    fnrs = [o.fnr for o in outcomes]
    accepted = {o.fnr for o in outcomes if o.ok}
    per_fnr = dict(Index.objects.filter(fnr__in=fnrs).values_list("fnr").annotate(n=Count("id")))
    notes = dict(
        Note.objects.filter(index__fnr__in=fnrs).values_list("index__fnr").annotate(n=Count("id"))
    )
    persons = dict(Person.objects.filter(fnr__in=fnrs).values_list("fnr").annotate(n=Count("id")))
    locks = set(PersonLock.objects.filter(fnr__in=fnrs).values_list("fnr", flat=True))
    once = sum(1 for f in accepted if per_fnr.get(f) == 1)
    duplicated = sorted(f for f, n in per_fnr.items() if n > 1)
    partial = sorted(
        f for f in per_fnr if notes.get(f) != 2 * per_fnr[f] or persons.get(f) != 1
    ) + sorted(f for f in persons if f not in per_fnr)
    written_unseen = sorted(f for f in per_fnr if f not in accepted)
    return {
        "accepted": len(accepted),
        "found_exactly_once": once,
        "lost": len(accepted) - once - len([f for f in duplicated if f in accepted]),
        "duplicated": len(duplicated),
        "partial": len(partial),
        "written_but_not_seen_accepted": len(written_unseen),
        "locks_missing": len(accepted - locks),
        "ok": once == len(accepted) and not duplicated and not partial and not written_unseen,
    }
