"""O-3: manage.py municipality NNNN --customer yes|no [--selfreg on|off]"""

from django.core.management.base import BaseCommand, CommandError

from municipalities.services import MunicipalityError, municipality_set_status

_YES_NO = {"yes": True, "no": False}
_ON_OFF = {"on": True, "off": False}


class Command(BaseCommand):
    help = "Set whether a municipality is a customer and whether self-registration is on (O-3)."

    def add_arguments(self, parser):
        parser.add_argument("number", help="Municipality number in force from 2024, e.g. 0301")
        parser.add_argument("--customer", required=True, choices=sorted(_YES_NO))
        parser.add_argument("--selfreg", choices=sorted(_ON_OFF))

    def handle(self, *args, number, customer, selfreg, **options):
        try:
            municipality = municipality_set_status(
                number=number,
                is_customer=_YES_NO[customer],
                selfreg_enabled=None if selfreg is None else _ON_OFF[selfreg],
                source="command",
            )
        except MunicipalityError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{municipality.number} {municipality.name}: "
            f"kunde={'ja' if municipality.is_customer else 'nei'}, "
            f"selvregistrering={'på' if municipality.selfreg_enabled else 'av'}"
        )
