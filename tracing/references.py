"""Reference numbers («Referansenummer»): what a citizen and a tracer quote for one index.

Short enough to read out on the phone, from an alphabet without the characters that are
mistaken for each other (0/O, 1/I), and drawn with `secrets`: a reference says nothing about
the index and cannot be guessed from another one (it is never the database id).
"""

import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 10  # 32**10 = 2**50 possible references


def reference_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def reference_normalize(text: str) -> str:
    """What a person may type or a link may carry: case and separators do not matter."""
    return "".join(c for c in (text or "").upper() if c.isalnum())


def is_reference(text: str) -> bool:
    return len(text) == LENGTH and all(c in ALPHABET for c in text)
