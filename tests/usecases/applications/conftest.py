"""applications' use-case tier: each test gets its own in-memory database (`store`)."""

import pytest


@pytest.fixture
def store(memory_store):
    return memory_store("applications")
