"""With Redis configured, the sign-in limit holds across workers (here: two app
instances, as two gunicorn workers would be)."""

import uuid

import pytest
import redis

from lpse_web import create_app
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from tests.conftest import CSRFClient, _test_config

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_available():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.fail("Redis is expected on 127.0.0.1:6379 for this test (see README)")


def _worker(database_url, prefix):
    config = _test_config(database_url)
    config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix,
                  LOGIN_LIMIT_PER_ACCOUNT="4 per minute", LOGIN_LIMIT_PER_ADDRESS="100 per minute")
    app = create_app(config)
    app.test_client_class = CSRFClient
    return app


def test_account_limit_is_shared_between_workers(database_url, make_user, redis_available):
    prefix = f"lpse-test-{uuid.uuid4().hex}"
    workers = [_worker(database_url, prefix), _worker(database_url, prefix)]
    vendor = make_user(Role.VENDOR)
    statuses = []
    for attempt in range(6):
        client = workers[attempt % 2].test_client()
        statuses.append(client.post("/masuk", data={"email": vendor.email,
                                                    "password": "Salah#Sandi2026"}).status_code)
    assert statuses == [422, 422, 422, 422, 429, 429]
    for app in workers:
        with app.app_context():
            db.engine.dispose()
    store = redis.Redis.from_url(REDIS_URL)
    for key in store.scan_iter(f"{prefix}*"):
        store.delete(key)
