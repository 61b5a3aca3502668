"""Stress and fault tests: the app under gunicorn, driven over HTTP by many visitors at
once (threads here; the server's workers are separate processes). STRESS_USERS is the
CI size; bench/run runs the same tests with LPSE_STRESS_USERS=100."""

import os

import pytest

from tests.counter.conftest import NOW_ISO, make_office

STRESS_USERS = int(os.environ.get("LPSE_STRESS_USERS", "40"))


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW_ISO}


@pytest.fixture
def office(app):
    """The counter's test office (tests/counter/conftest.py): two places per verification slot."""
    return make_office(app)
