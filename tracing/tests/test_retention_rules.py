"""S11: the retention rules (data) and `manage.py retention [--dry-run]`, with a frozen clock:
periods from settings, safe to run twice, a bad period deletes nothing."""

import datetime
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from freezegun import freeze_time

from accounts.models import AccessLogEntry
from tests.factories import IndexFactory, NoteFactory, StaffFactory
from tracing.models import Index, Note
from tracing.retention_rules import RULES, retention_run

pytestmark = pytest.mark.django_db

START = datetime.datetime(2024, 1, 10, 9, 0, tzinfo=datetime.UTC)


def run(*args) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def log_entry(user) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        user=user, username=user.username, object_type="index", action="view", allowed=True
    )


@pytest.fixture
def history(settings):
    """An index closed on START with a note, an access-log entry written on START and a session
    that expires 30 minutes after START."""
    settings.RETENTION_CLOSED_INDEX_DAYS = 30
    settings.RETENTION_ACCESS_LOG_DAYS = 60
    with freeze_time(START):
        index = IndexFactory(closed=True)
        NoteFactory(index=index)
        log_entry(StaffFactory())
        session = SessionStore()
        session["citizen_pid"] = index.fnr
        session.set_expiry(1800)
        session.create()
    return index


def counts() -> tuple[int, int, int, int]:
    return (
        Index.objects.count(),
        Note.objects.count(),
        AccessLogEntry.objects.count(),
        Session.objects.count(),
    )


def test_s11_the_rules_are_data_with_their_periods():
    assert [rule.name for rule in RULES] == [
        "closed_indexes",
        "access_log",
        "login_failures",
        "outbox",
        "expired_sessions",
    ]
    by_name = {rule.name: rule for rule in RULES}
    assert by_name["closed_indexes"].period_setting == "RETENTION_CLOSED_INDEX_DAYS"
    assert by_name["access_log"].period_setting == "RETENTION_ACCESS_LOG_DAYS"
    assert by_name["outbox"].period_setting == "OUTBOX_KEEP_DAYS"


def test_s11_each_period_starts_counting_at_its_own_date(history):
    with freeze_time(START + datetime.timedelta(days=1)):
        run()
        assert counts() == (1, 1, 1, 0)  # only the expired session has gone
    with freeze_time(START + datetime.timedelta(days=31)):
        output = run()
        assert counts() == (0, 0, 1, 0)  # the closed index with its note
        assert "closed_indexes" in output and "slettet 1 indekser" in output
    with freeze_time(START + datetime.timedelta(days=61)):
        run()
        assert counts() == (0, 0, 0, 0)  # and then the access log


def test_s11_safe_to_run_twice(history):
    with freeze_time(START + datetime.timedelta(days=90)):
        run()
        assert counts() == (0, 0, 0, 0)
        second = retention_run()
    assert all(count == 0 for result in second for count in result.counts.values())


def test_s11_dry_run_deletes_nothing_and_says_what_would_go(history):
    with freeze_time(START + datetime.timedelta(days=90)):
        output = run("--dry-run")
        assert counts() == (1, 1, 1, 1)
        assert "ville slettet 1 indekser" in output
        assert "1 tilgangsloggoppføringer" in output
        assert "Tørrkjøring" in output


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("RETENTION_CLOSED_INDEX_DAYS", 13),  # shorter than C-5's 14 days
        ("RETENTION_ACCESS_LOG_DAYS", 0),
        ("RETENTION_ACCESS_LOG_DAYS", -1),
    ],
)
def test_s11_a_bad_period_fails_and_deletes_nothing(history, settings, setting, value):
    setattr(settings, setting, value)
    with freeze_time(START + datetime.timedelta(days=400)):
        with pytest.raises(CommandError, match=setting):
            run()
        assert counts() == (1, 1, 1, 1)


def test_s11_the_periods_come_from_the_environment(monkeypatch):
    import importlib

    from smittesporing import settings as settings_module

    monkeypatch.setenv("RETENTION_CLOSED_INDEX_DAYS", "45")
    monkeypatch.setenv("RETENTION_ACCESS_LOG_DAYS", "400")
    reloaded = importlib.reload(settings_module)
    try:
        assert reloaded.RETENTION_CLOSED_INDEX_DAYS == 45
        assert reloaded.RETENTION_ACCESS_LOG_DAYS == 400
    finally:
        monkeypatch.delenv("RETENTION_CLOSED_INDEX_DAYS")
        monkeypatch.delenv("RETENTION_ACCESS_LOG_DAYS")
        importlib.reload(settings_module)
