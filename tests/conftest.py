"""Shared fixtures and hypothesis profiles (``HYPOTHESIS_PROFILE=thorough`` for long runs)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

import parindex
from parindex.compiled import CompiledPack
from parindex.messages import use_lang

settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def commune_pack() -> parindex.Pack:
    return parindex.get_pack("synthetic-commune")


@pytest.fixture(scope="session")
def commune(commune_pack: parindex.Pack) -> CompiledPack:
    return parindex.compile_pack(commune_pack)


@pytest.fixture(scope="session")
def province_1150() -> CompiledPack:
    return parindex.compile_pack(parindex.get_pack("bnv-province-1150-2019"))


@pytest.fixture
def english() -> Iterator[None]:
    """Messages in English for the test (tests that match English wording use it)."""
    with use_lang("en"):
        yield
