"""What the citizen's forms cost to render with each form renderer Django offers, and ours.

    python -m bench.renderers [--rounds N]

Renders the widgets of the three forms of a self-registration (C-2 "Velg kommune" with its
358 choices, C-4 "Hvem", the C-7 form empty and with every error shown) N times with:
Django's DjangoTemplates and Jinja2 renderers (the public alternatives), and
core.form_renderer.WidgetRenderer (the project's FORM_RENDERER). Also the cost of assigning
the 358 municipality choices as a plain list against core's NormalChoices. Prints CPU
microseconds per form and per registration's forms, whether each renderer's markup is the same
as DjangoTemplates', and writes bench/results/renderers.json. Needs no database.
"""

import argparse
import csv
import datetime
import os
import statistics
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "kommuner-2024.csv"


def _municipalities() -> list[tuple[str, str]]:
    if DATA.exists():
        with DATA.open(encoding="utf-8") as handle:
            return [(row["kommunenummer"], row["navn"]) for row in csv.DictReader(handle)]
    return [(f"{n:04d}", f"Kommune {n}") for n in range(301, 659)]


def _forms(municipalities, choices_kind: str):
    """The forms of one registration, as the views build them."""
    from django.utils.translation import gettext

    from selfreg.forms import MunicipalityForm, NormalChoices, RegistrationForm, WhoForm
    from selfreg.selectors import Subject

    today = datetime.date(2022, 2, 9)
    municipality = MunicipalityForm(municipalities=municipalities)
    if choices_kind == "list":
        municipality.fields["kommunenummer"].choices = [
            ("", gettext("Velg kommune …")),
            *municipalities,
        ]
    else:
        municipality.fields["kommunenummer"].choices = NormalChoices(
            (("", gettext("Velg kommune …")), *municipalities)
        )

    class _Person:
        def __init__(self, name):
            self.full_name = name

    subjects = [
        Subject(choice=c, is_self=c == "self", person=_Person(n))
        for c, n in (("self", "Kari Nordmann"), ("c1", "Ola Nordmann"), ("c2", "Per Nordmann"))
    ]
    who = WhoForm(subjects=subjects)
    empty = RegistrationForm(is_child=False, today=today)
    errors = RegistrationForm(
        {"test_date_from": "2021-01-01", "test_date_to": "1800-01-01", "email": "x"},
        is_child=False,
        today=today,
    )
    errors.is_valid()
    return {"kommune": municipality, "hvem": who, "skjema": empty, "skjema med feil": errors}


def _render(form, renderer) -> str:
    form.renderer = renderer  # what BoundField.as_widget() renders with
    return "".join(field.as_widget() for field in form)


def _cpu_us(fn, rounds: int) -> float:
    """Median CPU microseconds of one call, over `rounds` calls in 5 batches."""
    batches = []
    per_batch = max(1, rounds // 5)
    for _ in range(5):
        started = time.process_time()
        for _ in range(per_batch):
            fn()
        batches.append((time.process_time() - started) / per_batch * 1e6)
    return statistics.median(batches)


def run(*, rounds: int = 500) -> dict:
    from django.forms.renderers import DjangoTemplates, Jinja2

    from core.form_renderer import WidgetRenderer

    municipalities = _municipalities()
    renderers = {
        "DjangoTemplates": DjangoTemplates(),
        "Jinja2": Jinja2(),
        "WidgetRenderer": WidgetRenderer(),
    }
    forms = _forms(municipalities, "normal")
    reference = {name: _render(form, renderers["DjangoTemplates"]) for name, form in forms.items()}
    rows, result = [], {"rounds": rounds, "renderers": {}}
    for renderer_name, renderer in renderers.items():
        figures = {}
        for form_name, form in forms.items():
            _render(form, renderer)  # templates loaded and compiled before measuring
            figures[form_name] = {
                "cpu_us": round(_cpu_us(lambda f=form, r=renderer: _render(f, r), rounds), 1),
                "same_markup": _render(form, renderer) == reference[form_name],
            }
        # A registration renders the municipality form, "Hvem" and the C-7 form once each.
        per_registration = sum(figures[n]["cpu_us"] for n in ("kommune", "hvem", "skjema"))
        result["renderers"][renderer_name] = {
            "forms": figures,
            "per_registration_cpu_us": round(per_registration, 1),
        }
        rows.append(
            [renderer_name]
            + [figures[n]["cpu_us"] for n in forms]
            + [per_registration, all(f["same_markup"] for f in figures.values())]
        )
    choice_rows = []
    result["choices"] = {}
    for kind in ("list", "normal"):
        cost = _cpu_us(lambda k=kind: _forms(municipalities, k)["kommune"], rounds)
        result["choices"][kind] = round(cost, 1)
        choice_rows.append(["plain list" if kind == "list" else "NormalChoices", cost])
    from bench.common import print_table

    print_table(
        f"CPU µs to render the widgets, median of 5 batches of {rounds // 5}",
        ["renderer", *forms, "per registration", "same markup"],
        rows,
    )
    print_table(
        "CPU µs to build the forms of a registration with the 358 choices assigned as",
        ["choices", "cpu µs"],
        choice_rows,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.renderers", description=__doc__)
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smittesporing.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from bench.common import write_result

    result = run(rounds=args.rounds)
    print(f"\nwritten to {write_result('renderers', result)}")


if __name__ == "__main__":
    main()
