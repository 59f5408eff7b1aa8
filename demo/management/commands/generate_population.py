"""manage.py generate_population --persons N --seed S [--replace]

Fills the synthetic register (Folkeregister + KRR) and the tracing history at national shape,
for load tests and benchmarks. Development and test only: refused in production mode.

What it makes (details in demo/population_register.py and demo/population_tracing.py):
- N persons in households (single adults, couples, couples with children, single parents),
  every household at its own address, children at their parents' address with parentage rows;
  KRR entries for ~93 % of those aged 15 and over, 2 % of them reserved; a few adults without a
  known address. Fødselsnumre are synthetic (month + 80), unique by construction: for each
  birth date the individual numbers are walked in order, never drawn at random.
- Tracing history: active indexes (Oslo: 5 % of N, so 50 000 at N = 1 000 000; elsewhere 2 %
  of the municipality's persons), closed indexes (15 %, some re-enrolled, some with a duplicate
  record in another municipality), close contacts (8 %, household members first), the two I-4
  notes on every self-registered index, PersonLock rows.

Population weights: there is no population file in the project. The twelve largest
municipalities use SSB's population on 1 January 2024 rounded to the nearest thousand (written
down from the published figures; expect a few per cent error). The other 345 share the rest of
the national total (5.55 million) in proportion to their number of street-address postal codes
in municipalities/data/postnummer.csv: a proxy that gets the shape right (Oslo first, cities
before villages) but can be off by a factor of two for a single small municipality. See
demo/population_weights.py.

Existing data: the command refuses to run (and changes nothing) when the synthetic register or
the tracing tables hold any row. `--replace` empties them first, together with every table that
refers to them (printed); staff accounts and municipalities are kept. On PostgreSQL the rows
are loaded with COPY, elsewhere with bulk_create in batches, all in one transaction.
The same --persons, --seed and day give the same data.
"""

from django.core.management.base import BaseCommand, CommandError

from demo.population import PopulationError, generate_population


class Command(BaseCommand):
    help = "Generate a synthetic population and tracing history at national shape."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, required=True, help="Number of persons (N)")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Empty the synthetic register and the tracing tables first",
        )

    def handle(self, *args, persons, seed, replace, **options):
        try:
            summary = generate_population(persons=persons, seed=seed, replace=replace)
        except PopulationError as exc:
            raise CommandError(str(exc)) from exc
        if summary.emptied:
            self.stdout.write("Emptied first: " + ", ".join(summary.emptied))
        for key, value in {**summary.counts, **summary.rows}.items():
            self.stdout.write(f"  {key:<22} {value:>10}")
        self.stdout.write(
            f"Generated {summary.persons} persons (seed {summary.seed}) in {summary.seconds:.1f} s."
        )
