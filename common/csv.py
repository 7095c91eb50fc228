from __future__ import annotations


def csv_cell(value: object) -> str:
    """A spreadsheet must not run a name as a formula (CSV injection): every CSV export's
    typed text goes through here (the participant list, the funder report)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
