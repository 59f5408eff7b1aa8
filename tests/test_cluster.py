"""Two app nodes behind nginx (bench/cluster.py, docs/adr/0014-cluster-and-shedding.md).

The nodes are gunicorn as production runs it (deploy/gunicorn.conf.py), each with its own
workers, on this test's PostgreSQL database and a shared Redis; nginx runs from
deploy/nginx/cluster.conf.template. Requests are sent straight to a node's port where a test
must choose the node (with the Host that nginx passes on, so that the OIDC addresses are the
site's), and through nginx otherwise.

Direct requests name their client address in X-Real-IP, as nginx does for the nodes, so that
each test's rate-limit counts (S9, in Redis, which the suite never empties) are its own.

Needs PostgreSQL (skipped on SQLite), Redis on 127.0.0.1:6379 and Debian's nginx (`make nginx`).
"""

import datetime
import random
import re
import threading
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.db import connection

from bench.cluster import Cluster
from bench.server import free_port
from selfreg.tests.portal import (
    FORM,
    RECEIPT,
    START,
    form_url,
    radio_values,
    selfreg_on,
    valid_form,
    who_url,
)
from testidp.tests.browser import post_form
from tests.factories import StaffFactory, SyntheticKrrEntryFactory, SyntheticPersonFactory
from tracing.models import Index, Note, Person

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]

TIMEOUT_SECONDS = 60
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT = f"{START}?kommunenummer=0301"
PERSON_LIMIT = 60


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker):
    """Two nodes of two workers each on the test database, behind nginx."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("the cluster needs PostgreSQL: run with DATABASE_URL=postgres://...")
        s = connection.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    with Cluster(
        database_url=url,
        ports=[free_port(), free_port(), free_port()],
        workers=2,
        # Sessions written by this process must read on the nodes.
        secret_key=django_settings.SECRET_KEY,
        # Every request through nginx comes from 127.0.0.1: the per-address limit of
        # submissions (60 in 10 minutes) would stop the load test, not the behaviour it tests.
        # R1 sends one person's form 50 times: more than the 20 an hour a person may send.
        extra_env={
            "RATE_LIMIT_SELFREG_SUBMIT_CLIENT": "1000000/600",
            "RATE_LIMIT_SELFREG_SUBMIT_PERSON": f"{PERSON_LIMIT}/3600",
        },
    ) as running:
        yield running


def client_address() -> str:
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


class NodeBrowser:
    """A browser that the test sends to one node or another. Cookies for 127.0.0.1 go to every
    port (cookies know no ports); the Host header is nginx's, as nginx passes it on."""

    def __init__(self, cluster: Cluster, cookies: dict[str, str] | None = None):
        self.cluster = cluster
        self.http = requests.Session()
        self.http.headers.update(
            {"Host": urlsplit(cluster.url).netloc, "X-Real-IP": client_address()}
        )
        for name, value in (cookies or {}).items():
            # As the server sets them, so that its Set-Cookie replaces them.
            self.http.cookies.set(name, value, domain="127.0.0.1", path="/")

    def _url(self, path_or_url: str, node: int) -> str:
        parts = urlsplit(urljoin(self.cluster.url, path_or_url))
        return urlunsplit(parts._replace(netloc=f"127.0.0.1:{self.cluster.nodes[node].port}"))

    def get(self, path: str, *, node: int, **kwargs) -> requests.Response:
        return self.http.get(
            self._url(path, node), allow_redirects=False, timeout=TIMEOUT_SECONDS, **kwargs
        )

    def post(self, path: str, data: dict, *, node: int) -> requests.Response:
        return self.http.post(
            self._url(path, node),
            data=data,
            allow_redirects=False,
            timeout=TIMEOUT_SECONDS,
            headers={"Referer": urljoin(self.cluster.url, path)},
        )

    def to_the_form(self, *, who_node: int, form_node: int) -> str:
        page = self.get(who_url(), node=who_node)
        assert page.status_code == 200, page.text[:300]
        token = CSRF_FIELD.search(page.text).group(1)
        choice = radio_values(page.text, "hvem")["Meg selv"]
        chosen = self.post(who_url(), {"hvem": choice, "csrfmiddlewaretoken": token}, node=who_node)
        assert chosen.status_code == 302 and chosen.headers["Location"] == form_url(), chosen.text[
            :300
        ]
        form = self.get(FORM, node=form_node)
        assert form.status_code == 200, form.text[:300]
        return CSRF_FIELD.search(form.text).group(1)

    def close(self) -> None:
        self.http.close()


def new_citizen(**person) -> str:
    person = SyntheticPersonFactory(**person)
    SyntheticKrrEntryFactory(person=person)
    return person.fnr


def citizen_cookies(fnr: str) -> dict[str, str]:
    from django.contrib.sessions.backends.db import SessionStore

    from selfreg.session import citizen_login

    session = SessionStore()
    session.create()
    citizen_login(session, pid=fnr)
    session.save()
    return {django_settings.SESSION_COOKIE_NAME: session.session_key}


def test_a_citizen_logs_in_on_one_node_and_registers_on_the_other(cluster):
    """C-1 and C-8 across nodes: the login's state, nonce and PKCE verifier (in the session,
    in PostgreSQL) written by node 1 are read by node 2 at the callback; node 1 shows the form
    that node 2 receives."""
    selfreg_on("0301")
    fnr = new_citizen()
    browser = NodeBrowser(cluster)
    start = browser.get("/innlogget/logg-inn/", node=0, params={"next": NEXT})
    assert start.status_code == 302, start.text[:300]
    authorization = start.headers["Location"]
    assert authorization.startswith(f"{cluster.url}/testidp/")
    page = browser.get(authorization, node=0)
    action, fields = post_form(page.text)
    fields["fnr"] = fnr
    to_callback = browser.post(urljoin(authorization, action), fields, node=0)
    assert to_callback.status_code == 302
    callback = browser.get(to_callback.headers["Location"], node=1)  # the token exchange: node 2
    assert callback.status_code == 302 and callback.headers["Location"] == NEXT, callback.text[:300]

    token = browser.to_the_form(who_node=1, form_node=0)
    submitted = browser.post(FORM, valid_form(csrfmiddlewaretoken=token), node=1)
    assert submitted.status_code == 302 and submitted.headers["Location"] == RECEIPT
    receipt = browser.get(RECEIPT, node=0)
    assert "Skjemaet er registrert" in receipt.text
    browser.close()
    assert Index.objects.filter(fnr=fnr, self_registered=True).count() == 1


def test_rate_limits_count_across_the_nodes(cluster):
    """S9 in Redis: the per-person limit of form submissions (60 an hour here, 20 by default)
    and the per-username limit of staff logins (10 in 10 minutes) are one count for both
    nodes."""
    selfreg_on("0301")
    # A birth date of its own: the test's numbers are drawn anew for every test from the few
    # hundred of one birth date, and this person's count stays used up in the cluster's Redis
    # for the module's later tests.
    fnr = new_citizen(birth_date=datetime.date(1931, 2, 7))
    browser = NodeBrowser(cluster, citizen_cookies(fnr))
    token = browser.to_the_form(who_node=0, form_node=1)
    empty = {"csrfmiddlewaretoken": token}  # refused by the form: nothing registered
    answers = [browser.post(FORM, empty, node=i % 2).status_code for i in range(PERSON_LIMIT)]
    assert set(answers) == {200}, answers
    refused = browser.post(FORM, empty, node=0)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert browser.post(FORM, empty, node=1).status_code == 429
    browser.close()

    staff = NodeBrowser(cluster)
    staff.get("/smittesporing/logg-inn/", node=0)
    csrf = staff.http.cookies["csrftoken"]
    username = f"ukjent{random.randrange(10**9)}"
    attempt = {"username": username, "password": "feil passord", "csrfmiddlewaretoken": csrf}
    answers = [
        staff.post("/smittesporing/logg-inn/", attempt, node=i % 2).status_code for i in range(10)
    ]
    assert set(answers) == {400}, answers
    assert staff.post("/smittesporing/logg-inn/", attempt, node=1).status_code == 429
    staff.close()


def test_the_staff_lockout_counts_across_the_nodes(cluster):
    """Five failed logins for one username, spread over both nodes, lock it on both: the right
    password is then refused on either."""
    password = "et langt og riktig passord"
    user = StaffFactory(username=f"kari{random.randrange(10**9)}", password=password,
                        tracer_in=["0301"])  # fmt: skip
    staff = NodeBrowser(cluster)
    staff.get("/smittesporing/logg-inn/", node=0)
    csrf = staff.http.cookies["csrftoken"]
    wrong = {"username": user.username, "password": "feil", "csrfmiddlewaretoken": csrf}
    pages = [staff.post("/smittesporing/logg-inn/", wrong, node=i % 2) for i in range(5)]
    assert [p.status_code for p in pages] == [400] * 5
    assert "Innlogging er sperret" in pages[-1].text
    right = {**wrong, "password": password}
    for node in (0, 1):
        answer = staff.post("/smittesporing/logg-inn/", right, node=node)
        assert answer.status_code == 400 and "Innlogging er sperret" in answer.text
    staff.close()


def _race(calls) -> list:
    barrier = threading.Barrier(len(calls))
    answers, lock = [], threading.Lock()

    def run(call):
        try:
            barrier.wait(timeout=TIMEOUT_SECONDS)
            answer = call()
        except Exception as exc:
            answer = f"error {type(exc).__name__}"
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT_SECONDS * 2)
    return answers


def _answer_of(response: requests.Response) -> str:
    if response.status_code == 302 and response.headers.get("Location") == RECEIPT:
        return "receipt"
    if response.status_code == 200 and "allerede registrert" in response.text:
        return "already registered"
    return f"HTTP {response.status_code}"


def test_r1_fifty_copies_of_one_form_split_over_both_nodes_register_once(cluster):
    """R1 (C-8, D-3) with the 50 copies sent half to each node at the same moment."""
    selfreg_on("0301")
    fnr = new_citizen()
    first = NodeBrowser(cluster, citizen_cookies(fnr))
    token = first.to_the_form(who_node=0, form_node=1)
    cookies = {cookie.name: cookie.value for cookie in first.http.cookies}
    first.close()
    form = valid_form(csrfmiddlewaretoken=token)
    browsers = [NodeBrowser(cluster, cookies) for _ in range(50)]
    for i, browser in enumerate(browsers):  # open each kept-alive connection first
        assert browser.get("/healthz", node=i % 2).status_code == 200

    answers = _race(
        [
            lambda b=browser, n=i % 2: _answer_of(b.post(FORM, form, node=n))
            for i, browser in enumerate(browsers)
        ]
    )

    assert answers == ["receipt"] * 50, sorted(set(answers))
    assert Index.objects.filter(fnr=fnr).count() == 1
    assert Note.objects.filter(index__fnr=fnr).count() == 2
    for browser in browsers:
        browser.close()


def test_r1_fifty_sessions_of_one_person_split_over_both_nodes_register_once(cluster):
    selfreg_on("0301")
    fnr = new_citizen()
    browsers, forms = [], []
    for i in range(50):
        browser = NodeBrowser(cluster, citizen_cookies(fnr))
        forms.append(
            valid_form(csrfmiddlewaretoken=browser.to_the_form(who_node=i % 2, form_node=i % 2))
        )
        browsers.append(browser)

    answers = _race(
        [
            lambda b=browser, f=form, n=i % 2: _answer_of(b.post(FORM, f, node=n))
            for i, (browser, form) in enumerate(zip(browsers, forms, strict=True))
        ]
    )

    assert answers.count("receipt") == 1, sorted(set(answers))
    assert answers.count("already registered") == 49, sorted(set(answers))
    assert Index.objects.filter(fnr=fnr).count() == 1
    assert Person.objects.filter(fnr=fnr).count() == 1
    for browser in browsers:
        browser.close()


def test_a_node_killed_mid_load_loses_and_duplicates_nothing_and_comes_back(cluster):
    """kill -9 of node 1's master and workers while 8 clients register 120 persons through
    nginx: node 2 carries on; every registration a client saw accepted is there exactly once,
    with its notes, no rows half-written; a client whose form failed (nginx's 503 for the
    request the dead node took with it) and was sent again got its receipt, not a second
    index (C-8); every refusal carried Retry-After. After the restart, nginx sends node 1
    requests again."""
    from bench.failover import run_with_kill, verify_exactly_once
    from selfreg.tests.portal import today

    selfreg_on("0301")
    fnrs = [new_citizen() for _ in range(120)]
    sessions = [(citizen_cookies(f)[django_settings.SESSION_COOKIE_NAME], f) for f in fnrs]

    run = run_with_kill(
        cluster,
        sessions,
        cookie_name=django_settings.SESSION_COOKIE_NAME,
        clients=8,
        kill_after=30,
        while_down=40,
        today=today(),
    )

    outcomes = run.outcomes
    print(
        f"kill -9 of {len(run.killed_pids)} processes: {sum(len(o.failures) for o in outcomes)} "
        f"failed requests, {sum(o.form_resent for o in outcomes)} forms sent again, "
        f"watcher {[event for _, event in run.watcher_events]}"
    )
    assert len(outcomes) == 120
    assert all(o.ok for o in outcomes), [o.failures for o in outcomes if not o.ok][:5]
    check = verify_exactly_once(outcomes)
    assert check["ok"], check
    assert check["found_exactly_once"] == 120
    assert sum(o.refusals_without_retry_after for o in outcomes) == 0
    resent = [o for o in outcomes if o.form_resent]
    for outcome in resent:  # each got its receipt (ok) and one index (checked above)
        assert outcome.ok
    # Node 2 carried on while node 1 was down.
    assert any(run.killed_at + 1 < o.finished < run.restarted_at for o in outcomes)
    # Registrations begun after the watcher took node 1 out went through without a failure.
    settled = [o for o in outcomes if run.down_at < o.started and o.finished < run.restarted_at]
    assert settled and all(not o.failures for o in settled), [o.failures for o in settled]
    assert run.down_at - run.killed_at < 30, "the watcher took node 1 out"
    assert cluster.wait_for("node1 up", since=run.restarted_at)
    # After the restart node 1 serves through nginx again.
    node1 = f"upstream=127.0.0.1:{cluster.nodes[0].port} "
    for _ in range(8):
        requests.get(f"{cluster.url}/healthz", timeout=10)
    log = (cluster.run_dir / "access.log").read_text().splitlines()
    after = [line for line in log[-8:] if node1 in line]
    assert after, log[-8:]


def test_b8s_open_loop_generator_registers_what_it_offers(cluster):
    """bench.openloop (B8) against the cluster at a low rate: every arrival registered once,
    each request's latency recorded (B8 itself runs in `make bench`)."""
    from bench.openloop import offer
    from selfreg.tests.portal import today

    selfreg_on("0301")
    fnrs = [new_citizen() for _ in range(6)]
    sessions = [(citizen_cookies(f)[django_settings.SESSION_COOKIE_NAME], f) for f in fnrs]

    results, offered_seconds, _, _ = offer(
        cluster.url, django_settings.SESSION_COOKIE_NAME, sessions, 3.0, today().isoformat()
    )

    assert sorted(r["fnr"] for r in results) == sorted(fnrs)
    assert all(r["outcome"] == "ok" and r["accepted"] for r in results), results
    assert all(len(r["timings"]) == 6 for r in results)
    # Six arrivals at three a second: the last one is due 5/3 s after the first, and none is
    # sent before its moment.
    assert offered_seconds >= 5 / 3
    for fnr in fnrs:
        assert Index.objects.filter(fnr=fnr, self_registered=True).count() == 1
