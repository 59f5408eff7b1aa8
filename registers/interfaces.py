"""The two register interfaces; each has a synthetic and an HTTP implementation.

`get_folkeregister()` and `get_krr()` pick the implementation from REGISTER_BACKEND. The HTTP
clients get their access tokens from Maskinporten, one scope per register, shared by the process.
"""

from typing import Protocol

from django.conf import settings

from registers.types import ContactInfo, RegisterPerson


class Folkeregister(Protocol):
    def person(self, fnr: str) -> RegisterPerson | None:
        """The person with this number, or None if the register has no such person."""

    def children(self, fnr: str) -> list[RegisterPerson]:
        """The person's children (any age, any address), as the register relates them,
        oldest first (birth date, then number). C-4's filter is the portal's."""


class Krr(Protocol):
    def contact_info(self, fnr: str) -> ContactInfo | None:
        """The KRR entry, or None if the person is not in KRR."""


def _maskinporten_token(scope: str):
    from registers.maskinporten import ScopedToken, client_get

    return ScopedToken(client=client_get(settings), scope=scope)


def get_folkeregister() -> Folkeregister:
    if settings.REGISTER_BACKEND == "http":
        from registers.folkeregister import HttpFolkeregister

        return HttpFolkeregister(
            base_url=settings.FOLKEREGISTER_URL,
            access_token=_maskinporten_token(settings.FOLKEREGISTER_SCOPE),
            timeout=settings.REGISTER_TIMEOUT_SECONDS,
        )
    from registers.synthetic import SyntheticFolkeregister

    return SyntheticFolkeregister()


def get_krr() -> Krr:
    if settings.REGISTER_BACKEND == "http":
        from registers.krr import HttpKrr

        return HttpKrr(
            base_url=settings.KRR_URL,
            access_token=_maskinporten_token(settings.KRR_SCOPE),
            timeout=settings.REGISTER_TIMEOUT_SECONDS,
        )
    from registers.synthetic import SyntheticKrr

    return SyntheticKrr()
