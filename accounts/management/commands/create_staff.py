"""O-4: manage.py create_staff USERNAME --password PASSWORD --municipality NNNN --role tracer|admin
[--name "FULL NAME"]"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services import AccountsError, staff_create_or_extend


class Command(BaseCommand):
    help = (
        "Create a staff account, or give an existing one a role in more municipalities (O-4). "
        "Repeat --municipality for several. Bad input changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--password", help="Required for a new account; sets a new password if given."
        )
        parser.add_argument(
            "--municipality",
            action="append",
            required=True,
            dest="municipalities",
            metavar="NNNN",
            help="Municipality number in force from 2024, e.g. 0301. Repeat for several.",
        )
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--name",
            default=None,
            dest="full_name",
            help="Full name, shown to citizens who look up who has read their records.",
        )

    def handle(self, *args, username, password, municipalities, role, full_name, **options):
        try:
            result = staff_create_or_extend(
                username=username,
                password=password,
                municipality_numbers=municipalities,
                role=role,
                full_name=full_name,
            )
        except AccountsError as exc:
            raise CommandError(str(exc)) from exc
        verb = "Opprettet" if result.created else "Oppdaterte"
        added = ", ".join(result.roles_added) or "ingen nye"
        self.stdout.write(
            f"{verb} {result.user.get_username()}: rolle {Role(role).label.lower()} "
            f"i kommune {added}"
        )
