"""The one way every CSV export is written (common.csv): Excel in Danish and Norwegian
opens it as columns, letters and numbers intact, and runs nothing in it."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.utils import translation

from common.csv import csv_cell, csv_number, csv_response, csv_writer
from common.numbers import round_half_up


def test_a_file_starts_with_the_byte_order_mark_and_splits_at_semicolons():
    response = csv_response(filename="sammen-om-boern.csv")
    csv_writer(response).writerows([["navn", "by"], ["Bjørn Ærø", "Tønsberg; Sandvika"]])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="sammen-om-boern.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["navn", "by"], ["Bjørn Ærø", "Tønsberg; Sandvika"]]


@pytest.mark.parametrize(("language", "shown"), [("da", "12,5"), ("nb", "12,5"), ("en", "12.5")])
def test_numbers_carry_the_readers_decimal_mark(language, shown):
    with translation.override(language):
        assert csv_number(12.45, 1) == shown
        assert csv_number(None) == ""


def test_rounding_is_half_up_and_never_cut_off():
    assert round_half_up(66.67) == Decimal("67")
    assert round_half_up(12.5) == Decimal("13")
    assert round_half_up(57 / 200 * 100) == Decimal("29")  # 28.499999999999996 in binary
    assert round_half_up(2.25, 1) == Decimal("2.3")


@pytest.mark.parametrize("typed", ["=SUM(A1)", "+1", "-1", "@A1", "\tx"])
def test_a_cell_that_would_run_as_a_formula_is_defused(typed):
    assert csv_cell(typed) == f"'{typed}"
    assert csv_cell("Åse") == "Åse"
