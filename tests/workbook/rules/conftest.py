"""A master and blank department files made once for the property tests (copied per example)."""
import pytest


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from tests.workbook.rules.test_merge_properties import World

    return World(tmp_path_factory.mktemp("world"))
