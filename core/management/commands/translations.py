"""manage.py translations [--update | --check]: the nynorsk and English catalogues.

`--update` runs makemessages with the project's options (every app and template, no tests,
benchmarks or vendored code; file names but no line numbers, so a moved line changes nothing).
`--check` (the default) fails when a catalogue is out of date with the code (makemessages
would change it), or holds a message that is untranslated, fuzzy, or translated with other
placeholders (or HTML tags) than its source. `make test` runs the
check (core/tests/test_translations.py).
"""

import contextlib
import re
import shutil
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command

TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
IGNORE = [".venv", "node_modules", "static", "staticfiles", "bench", "tests", "*/tests/*",
          "locale", "docs", "build"]  # fmt: skip


def makemessages() -> None:
    with contextlib.chdir(settings.BASE_DIR):
        _makemessages()


def _makemessages() -> None:
    call_command(
        "makemessages",
        locale=TRANSLATED,
        ignore_patterns=IGNORE,
        add_location="file",
        no_obsolete=True,
        verbosity=0,
    )


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="rewrite the catalogues")

    def handle(self, *args, update: bool = False, **options):
        locale = Path(settings.LOCALE_PATHS[0])
        if update:
            makemessages()
            self.stdout.write(f"Updated {', '.join(TRANSLATED)} in {locale}.")
            return
        problems = self._out_of_date(locale)
        for code in TRANSLATED:
            problems += catalogue_problems(locale / code / "LC_MESSAGES" / "django.po", code)
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("The catalogues are complete and up to date.")

    def _out_of_date(self, locale: Path) -> list[str]:
        """What makemessages would change, by message (the header's dates aside)."""
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "locale"
            shutil.copytree(locale, copy)
            makemessages()
            problems = []
            for code in TRANSLATED:
                path = Path("LC_MESSAGES") / "django.po"
                now, before = locale / code / path, copy / code / path
                if catalogue_entries(now) != catalogue_entries(before):
                    problems.append(
                        f"{before}: out of date with the code; run `manage.py translations "
                        "--update` and translate what is new."
                    )
                shutil.copyfile(before, now)
            return problems


def catalogue_entries(path: Path) -> set[tuple]:
    """A catalogue's messages as makemessages leaves them, for comparing two versions."""
    return {
        (e.msgctxt, e.msgid, e.msgid_plural, tuple(sorted(e.occurrences)))
        for e in polib.pofile(str(path))
        if not e.obsolete
    }


# What a translation must carry over from its source unchanged: %-placeholders, {}-placeholders
# and HTML tags.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\w*\}|<[^>]+>")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _placeholders_differ(entry: polib.POEntry) -> bool:
    if not entry.msgid_plural:
        return placeholders(entry.msgstr) != placeholders(entry.msgid)
    # A singular form may leave out the number ("ett minutt"); none may add a placeholder.
    allowed = set(placeholders(entry.msgid_plural)) | set(placeholders(entry.msgid))
    return any(
        not set(placeholders(text)) <= allowed
        or (index > 0 and placeholders(text) != placeholders(entry.msgid_plural))
        for index, text in entry.msgstr_plural.items()
    )


def catalogue_problems(path: Path, code: str) -> list[str]:
    """Every message of the catalogue that is not translated, marked fuzzy, or whose
    translation has other placeholders than its source."""
    if not path.exists():
        return [f"{path}: missing; run `manage.py translations --update`."]
    catalogue = polib.pofile(str(path))
    problems = [
        f"{path}: untranslated ({code}): {e.msgid!r}" for e in catalogue.untranslated_entries()
    ]
    problems += [f"{path}: fuzzy ({code}): {e.msgid!r}" for e in catalogue.fuzzy_entries()]
    problems += [
        f"{path}: placeholders differ from the source ({code}): {e.msgid!r}"
        for e in catalogue.translated_entries()
        if _placeholders_differ(e)
    ]
    return problems
