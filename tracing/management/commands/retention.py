"""S11: manage.py retention [--dry-run] — delete what has passed its retention period.

The rules (what, after how long) are data in tracing/retention_rules.py. Run it nightly; it is
safe to run twice. A bad period setting is refused before anything is deleted.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracing.retention_rules import RetentionError, retention_run


class Command(BaseCommand):
    help = (
        "Delete closed indexes (with notes and close contacts), access-log entries, old login "
        "failures and expired sessions past their retention periods (S11)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args, dry_run: bool, **options):
        try:
            results = retention_run(dry_run=dry_run)
        except RetentionError as exc:
            raise CommandError(str(exc)) from exc
        verb = "ville slettet" if dry_run else "slettet"
        for result in results:
            counts = ", ".join(f"{count} {what}" for what, count in result.counts.items())
            cutoff = timezone.localtime(result.cutoff).strftime("%d.%m.%Y %H:%M")
            self.stdout.write(f"{result.rule.name} (eldre enn {cutoff}): {verb} {counts}")
        if dry_run:
            self.stdout.write("Tørrkjøring: ingenting er slettet.")
