"""Loads the demo: synthetic register, municipality switches, demo staff and tracing history.

Safe to run twice. Refused in production mode: demo passwords and personas are for development.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.personas import DEMO_READER, REGISTER_FILE, SELFREG_OFF, SELFREG_ON, STAFF
from demo.tracing_data import load_demo_tracing_data
from municipalities.services import municipality_set_status


class Command(BaseCommand):
    help = "Load the synthetic demo data (development only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is for development; refused in production mode.")
        with transaction.atomic():
            call_command(
                "load_register",
                str(Path(__file__).resolve().parents[2] / REGISTER_FILE),
                stdout=self.stdout,
            )
            for number in SELFREG_ON:
                municipality_set_status(
                    number=number, is_customer=True, selfreg_enabled=True, source="demo-data"
                )
            for number in SELFREG_OFF:
                municipality_set_status(
                    number=number, is_customer=True, selfreg_enabled=False, source="demo-data"
                )
            for staff in STAFF:
                municipality_args = [
                    arg for number in staff.municipalities for arg in ("--municipality", number)
                ]
                call_command(
                    "create_staff",
                    staff.username,
                    "--password",
                    staff.password,
                    "--role",
                    staff.role,
                    *municipality_args,
                    "--name",
                    staff.name,
                    stdout=self.stdout,
                )
            reader = get_user_model().objects.get(username=DEMO_READER)
            created = load_demo_tracing_data(reader=reader)
        self.stdout.write(
            "Demodata lastet."
            if created
            else "Demodata var allerede lastet; register og brukere oppdatert."
        )
