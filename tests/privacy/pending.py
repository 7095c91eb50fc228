"""What the privacy tests share."""

import pytest

from privacy import retention

# The erasure is privacy.retention.household_erase, written on branch purge; until that is
# merged a placeholder stands in its place (privacy/retention.py, PLACEHOLDER), and the
# tests of what an erasure itself does wait for it. Merged, the mark does nothing.
needs_household_erase = pytest.mark.skipif(
    getattr(retention, "PLACEHOLDER", False),
    reason="needs privacy.retention.household_erase from branch purge (merge main)",
)
