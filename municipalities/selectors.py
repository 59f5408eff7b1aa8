"""Reads of municipalities and their reference data."""

from dataclasses import dataclass, field

from municipalities.models import (
    FormerMunicipalityNumber,
    Municipality,
    MunicipalityContactChange,
    MunicipalityStatusChange,
    PostalCode,
)

# Norwegian alphabetical order puts Æ, Ø, Å after Z.
_NORWEGIAN_ORDER = str.maketrans({"Æ": "{", "æ": "{", "Ø": "|", "ø": "|", "Å": "}", "å": "}"})


def norwegian_sort_key(text: str) -> str:
    return text.lower().translate(_NORWEGIAN_ORDER)


def municipality_list() -> list[Municipality]:
    """All 357 municipalities, in Norwegian alphabetical order (C-2)."""
    return sorted(Municipality.objects.all(), key=lambda m: norwegian_sort_key(m.name_norwegian))


_choices: tuple[tuple[str, str], ...] = ()


def municipality_choices() -> tuple[tuple[str, str], ...]:
    """(number, name) of all municipalities in Norwegian alphabetical order, for "Velg kommune"
    (C-2). Reference data that changes with a release, not with a request: read once per process
    (357 model instances on every page view), and forgotten when a municipality is
    saved or deleted in this process or the reference data is loaded (forget_municipality_choices).
    An empty table is never remembered."""
    global _choices
    if not _choices:
        rows = Municipality.objects.values_list("number", "name", "name_norwegian")
        _choices = tuple(
            (number, name)
            for number, name, _ in sorted(rows, key=lambda row: norwegian_sort_key(row[2]))
        )
    return _choices


def forget_municipality_choices() -> None:
    global _choices
    _choices = ()


def municipality_customers(*, excluding: str = "") -> list[Municipality]:
    """The customers of the tracing service (A-1), in Norwegian alphabetical order, optionally
    without one of them."""
    found = Municipality.objects.filter(is_customer=True).exclude(number=excluding)
    return sorted(found, key=lambda m: norwegian_sort_key(m.name_norwegian))


def municipality_get(*, number: str) -> Municipality | None:
    return Municipality.objects.filter(number=number).first()


@dataclass(frozen=True)
class NumberLookup:
    """What a municipality number given by a citizen or a link means today (A-4)."""

    number: str
    municipality: Municipality | None = None
    former_name: str = ""
    successors: list[Municipality] = field(default_factory=list)

    @property
    def is_current(self) -> bool:
        return self.municipality is not None

    @property
    def is_former(self) -> bool:
        return bool(self.successors)

    @property
    def single_successor(self) -> Municipality | None:
        return self.successors[0] if len(self.successors) == 1 else None


def municipality_lookup_number(*, number: str) -> NumberLookup:
    """Resolve a number: in force from 2024-01-01, abolished (with its successors), or unknown."""
    number = (number or "").strip()
    current = municipality_get(number=number)
    if current is not None:
        return NumberLookup(number=number, municipality=current)
    former = list(
        FormerMunicipalityNumber.objects.filter(old_number=number).select_related("municipality")
    )
    if former:
        successors = sorted(
            {f.municipality for f in former}, key=lambda m: norwegian_sort_key(m.name_norwegian)
        )
        return NumberLookup(number=number, former_name=former[0].old_name, successors=successors)
    return NumberLookup(number=number)


def postal_place(*, code: str) -> str:
    """Bring's post town for a postal code, or '' when unknown."""
    postal = PostalCode.objects.filter(code=code).only("place").first()
    return postal.place if postal else ""


def municipality_status_changes(*, number: str, limit: int = 20) -> list[MunicipalityStatusChange]:
    """The latest switches of customer status and self-registration, newest first, with who
    made them (A-1: every switch is logged)."""
    return list(
        MunicipalityStatusChange.objects.filter(municipality_id=number)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[:limit]
    )


def municipality_contact_changes(
    *, number: str, limit: int = 10
) -> list[MunicipalityContactChange]:
    """The latest changes of the home page address and phone number, newest first."""
    return list(
        MunicipalityContactChange.objects.filter(municipality_id=number)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[:limit]
    )
