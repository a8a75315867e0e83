"""Fixtures shared by the unit tests: the fixed digit split and the shipped CNN (read-only)."""

import pytest

from core.data import bundled_split
from core.models import load_shipped


@pytest.fixture(scope="session")
def split():
    return bundled_split()


@pytest.fixture(scope="session")
def cnn():
    return load_shipped("cnn")
