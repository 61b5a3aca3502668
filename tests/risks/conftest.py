"""Fixtures of the risk register's tests; each module pins the clock it needs in
its own `app_config` (the page tests: {"LPSE_NOW": tests.registers.NOW_ISO})."""

import pytest

from lpse_web.auth.roles import Role
from tests.registers import asset_factory, risk_factory


@pytest.fixture
def make_asset(app):
    """make_asset(tag, cia=(c, i, a) or None, **fields) -> the id of a committed asset."""
    return asset_factory(app)


@pytest.fixture
def make_risk(app):
    """make_risk(code, likelihood, impact, today=..., **fields) -> the id of a committed risk."""
    return risk_factory(app)


@pytest.fixture
def risk_manager(make_user):
    """The risk manager (a writer), not signed in."""
    return make_user(Role.RISK_MANAGER, name="Maria Pengelola Risiko")
