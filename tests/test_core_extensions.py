"""Small core extensions made for parindex.io: Location.path and native-scalar converters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from parindex.errors import InputProblem, Location
from parindex.model import LegalBasis
from parindex.serialization import make_converter

# These tests match English message wording.
pytestmark = pytest.mark.usefixtures("english")


def test_location_names_a_document_path() -> None:
    location = Location("input.json", path='units[2].values["1.2"]')
    problem = InputProblem("cannot read 'abc'", "X01", "1.2", location)
    assert str(problem).startswith('input.json, units[2].values["1.2"]; unit “X01”')


def test_native_scalars_keep_decimals_and_dates() -> None:
    basis = LegalBasis("1150/QĐ-BNV", dt.date(2019, 12, 30))
    native = make_converter(native_scalars=True).unstructure(basis)
    plain = make_converter().unstructure(basis)
    assert native["date"] == dt.date(2019, 12, 30)
    assert plain["date"] == "2019-12-30"
    assert make_converter(native_scalars=True).unstructure(Decimal("0.50")) == Decimal("0.50")
