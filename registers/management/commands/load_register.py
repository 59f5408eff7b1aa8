"""manage.py load_register FILE.json: load synthetic persons into the local registers (O-2)."""

import json

from django.core.management.base import BaseCommand, CommandError

from registers.services import RegisterLoadError, register_load


class Command(BaseCommand):
    help = (
        "Load synthetic persons into the local Folkeregister and KRR from a JSON file in the "
        "format of SPEC.md O-2, replacing any person with the same fødselsnummer. The whole "
        "file is checked first; on any problem nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the JSON file")

    def handle(self, *args, file: str, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{file} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from None
        try:
            count = register_load(data=data)
        except RegisterLoadError as exc:
            raise CommandError(f"{file} was not loaded, nothing was changed: {exc}") from None
        self.stdout.write(f"Loaded {count} persons into the local Folkeregister and KRR.")
