"""Fixtures of the asset register's tests; each module pins the clock it needs in
its own `app_config` (the page tests: {"LPSE_NOW": tests.registers.NOW_ISO})."""

import pytest

from lpse_web.auth.roles import Role
from tests.registers import asset_factory


@pytest.fixture
def make_asset(app):
    """make_asset(tag, cia=None, **fields) -> the id of a committed asset (tests/registers.py)."""
    return asset_factory(app)


@pytest.fixture
def manager(make_user):
    """The asset manager who imports (aset@lpse.test)."""
    return make_user(Role.ASSET_MANAGER, email="aset@lpse.test", name="Maria Pengelola Aset")


@pytest.fixture
def head(make_user):
    """The head of the office: reads the register, changes nothing."""
    return make_user(Role.MANAGER, name="Kepala LPSE")
