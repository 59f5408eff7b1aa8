"""`manage.py send_outbox`: the worker that sends queued e-mail and SMS (outbox.services).

Runs until stopped, looking for due messages every --interval seconds; --once sends what is
due now and exits (for a scheduler, or a look at the e-mails locally). Several workers may run
at once: each message is claimed by one of them.
"""

import signal
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from outbox.services import outbox_give_up_stale, outbox_send_due


class Command(BaseCommand):
    help = "Send queued e-mail and SMS (receipt confirmations), with retries and back-off."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Send what is due, then exit.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between looks (default 5)."
        )
        parser.add_argument(
            "--batch", type=int, default=100, help="Messages claimed at a time (default 100)."
        )

    def handle(self, *args, once: bool, interval: float, batch: int, **options):
        self.stopping = False
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
        while True:
            sent = retried = failed = 0
            outbox_give_up_stale()
            while True:
                result = outbox_send_due(limit=batch)
                sent, retried, failed = (
                    sent + result.sent,
                    retried + result.retried,
                    failed + result.failed,
                )
                if result.handled < batch or self.stopping:
                    break
            if sent or retried or failed or once:
                self.stdout.write(
                    f"{timezone.localtime():%Y-%m-%d %H:%M:%S} sent {sent}, "
                    f"to retry {retried}, given up {failed}"
                )
            if once or self.stopping:
                return
            time.sleep(interval)

    def _stop(self, signum, frame):
        self.stopping = True
