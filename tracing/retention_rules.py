"""Retention rules (S11), declared as data: what is deleted, after how long, by which service.

Read by `manage.py retention [--dry-run]` (tracing/management/commands/retention.py), nightly
in production. Each rule names the setting that holds its period, so an operator changes a
period by environment variable alone (README, "Retention"). Each service deletes only what is
older than its cut-off, so running twice deletes nothing the second time.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from accounts.retention import access_log_delete, login_failures_delete
from core.sessions import expired_sessions_delete
from outbox.services import outbox_purge
from tracing.retention import closed_indexes_delete

# C-5 looks 14 days back for earlier self-registrations; no period may be shorter than that.
MINIMUM_DAYS = 14


class RetentionError(Exception):
    """A retention period that cannot be right; nothing is deleted."""


@dataclass(frozen=True)
class RetentionRule:
    name: str
    what: str  # for the operator: what goes
    period_setting: str | None  # the setting with the period in days; None for a fixed period
    fixed_period: datetime.timedelta | None
    # (cut-off, dry_run) -> {what: count}
    apply: Callable[[datetime.datetime, bool], dict[str, int]]


def _closed_indexes(before: datetime.datetime, dry_run: bool) -> dict[str, int]:
    result = closed_indexes_delete(closed_before=before, dry_run=dry_run)
    return {
        "indekser": result.indexes,
        "nærkontakter": result.close_contacts,
        "notater": result.notes,
        "personer": result.persons,
        "personlåser": result.person_locks,
    }


def _access_log(before: datetime.datetime, dry_run: bool) -> dict[str, int]:
    return {"tilgangsloggoppføringer": access_log_delete(before=before, dry_run=dry_run)}


def _login_failures(before: datetime.datetime, dry_run: bool) -> dict[str, int]:
    return {"innloggingsfeil": login_failures_delete(before=before, dry_run=dry_run)}


def _expired_sessions(before: datetime.datetime, dry_run: bool) -> dict[str, int]:
    return {"utløpte sesjoner": expired_sessions_delete(before=before, dry_run=dry_run)}


def _outbox(before: datetime.datetime, dry_run: bool) -> dict[str, int]:
    return {"sendte meldinger": outbox_purge(before=before, dry_run=dry_run)}


RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        name="closed_indexes",
        what="Avsluttede indekser med notater og nærkontakter, og personer uten noe igjen",
        period_setting="RETENTION_CLOSED_INDEX_DAYS",
        fixed_period=None,
        apply=_closed_indexes,
    ),
    RetentionRule(
        name="access_log",
        what="Tilgangslogg (B-4)",
        period_setting="RETENTION_ACCESS_LOG_DAYS",
        fixed_period=None,
        apply=_access_log,
    ),
    RetentionRule(
        name="login_failures",
        what="Mislykkede innlogginger og utløpte sperrer",
        period_setting=None,
        fixed_period=datetime.timedelta(days=1),
        apply=_login_failures,
    ),
    RetentionRule(
        name="outbox",
        what="Sendte og oppgitte meldinger i utboksen (adresse og tekst er alt tømt)",
        period_setting="OUTBOX_KEEP_DAYS",
        fixed_period=None,
        apply=_outbox,
    ),
    RetentionRule(
        name="expired_sessions",
        what="Utløpte sesjoner",
        period_setting=None,
        fixed_period=datetime.timedelta(0),
        apply=_expired_sessions,
    ),
)


def rule_period(rule: RetentionRule) -> datetime.timedelta:
    if rule.period_setting is None:
        return rule.fixed_period
    days = getattr(settings, rule.period_setting)
    if not isinstance(days, int) or days < MINIMUM_DAYS:
        raise RetentionError(
            f"{rule.period_setting} må være et helt antall dager, minst {MINIMUM_DAYS}, "
            f"ikke {days!r}."
        )
    return datetime.timedelta(days=days)


@dataclass(frozen=True)
class RuleResult:
    rule: RetentionRule
    cutoff: datetime.datetime
    counts: dict[str, int]


def retention_run(
    *, dry_run: bool = False, now: datetime.datetime | None = None
) -> list[RuleResult]:
    """Apply every rule; with `dry_run`, only count. All periods are checked before anything is
    deleted, so a bad setting deletes nothing."""
    now = now or timezone.now()
    cutoffs = [(rule, now - rule_period(rule)) for rule in RULES]
    return [
        RuleResult(rule=rule, cutoff=cutoff, counts=rule.apply(cutoff, dry_run))
        for rule, cutoff in cutoffs
    ]
