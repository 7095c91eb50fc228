from django.db import transaction


def require_atomic() -> None:
    """A service that locks rows refuses to run outside the transaction that holds them."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("This service must run inside transaction.atomic().")
