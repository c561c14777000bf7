"""The use-case tier for finance: `books` is an in-memory finance database with shortcuts."""

import pytest
from finance_books import Books


@pytest.fixture
def books(memory_store):
    return Books(memory_store("finance"))
