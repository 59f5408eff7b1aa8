"""The citizen portal's own rule as pure functions: who may be registered (C-4). No ORM and no
registers in here; the callers pass in what the registers said. What a registration must hold
(C-7) is tracing.registration, the same for every way in.
"""

import datetime

from registers.identity import age_on
from registers.types import Address, RegisterPerson

CHILD_AGE_LIMIT = 16


def child_is_eligible(
    *, parent_address: Address | None, child: RegisterPerson, today: datetime.date
) -> bool:
    """C-4: a child may be registered by a parent when under 16 today and living at the same
    residential address (bostedsadresse) as the parent. An unknown address on either side is
    not the same address: the register cannot vouch for it, so the child is not offered.
    """
    if parent_address is None or child.address is None:
        return False
    if child.address != parent_address:
        return False
    return age_on(child.birth_date, today) < CHILD_AGE_LIMIT


def eligible_children(
    *, parent: RegisterPerson, children: list[RegisterPerson], today: datetime.date
) -> list[RegisterPerson]:
    """C-4: the children offered to `parent`, in the order the register gave them."""
    return [
        child
        for child in children
        if child_is_eligible(parent_address=parent.address, child=child, today=today)
    ]
