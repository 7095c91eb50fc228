"""Every CSV export: a file that Danish and Norwegian Excel open as columns with æ, ø and
å intact, and that runs nothing.

- UTF-8 with a byte-order mark: without it Excel reads the file as Windows-1252 ("BÃ¦rum").
- Semicolons between cells: the list separator of Danish and Norwegian Windows, where the
  comma is the decimal mark; a comma-separated file opens as one column.
- Numbers with the reader's decimal mark (csv_number), so Excel reads 12,5 as a number.
- A cell a spreadsheet would run as a formula is defused (csv_cell).
"""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpResponse
from django.utils import formats

from common.numbers import round_half_up

DELIMITER = ";"
BYTE_ORDER_MARK = "\ufeff"


def csv_response(*, filename: str) -> HttpResponse:
    """An empty CSV attachment named ``filename``, its byte-order mark written: write the
    rows with csv_writer(response)."""
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    response.write(BYTE_ORDER_MARK)
    return response


def csv_writer(out: Any) -> Any:
    """A csv writer into ``out`` (a response or a file) with the separator Excel expects."""
    return csv.writer(out, delimiter=DELIMITER)


def csv_number(value: float | int | None, places: int = 1) -> str:
    """A number rounded half up to ``places`` decimals, with the active language's decimal
    mark and no grouping: "12,5" in Danish and Norwegian."""
    if value is None:
        return ""
    return formats.number_format(round_half_up(value, places), places, use_l10n=True)


def csv_cell(value: object) -> str:
    """A spreadsheet must not run a name as a formula (CSV injection): every CSV export's
    typed text goes through here (the participant list, the funder report)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
