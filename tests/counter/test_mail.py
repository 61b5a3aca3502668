"""Booking confirmations by e-mail: queued in the booking's transaction when SMTP is
configured, delivered by `flask send-mail`; nothing breaks without SMTP."""

import smtplib

import pytest
from sqlalchemy import select

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.mail.models import OutboxMessage
from tests.counter.conftest import NOW_ISO


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what would have been sent."""

    sent: list = []
    fail_with: Exception | None = None

    def __init__(self, host, port, timeout):
        if FakeSMTP.fail_with:
            raise FakeSMTP.fail_with
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append(message)


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW_ISO, "MAIL_SERVER": "smtp.example.test", "MAIL_SENDER": "lpse@example.test"}


def test_booking_queues_a_confirmation_and_send_mail_delivers_it(app, client, make_user, login, office,
                                                                monkeypatch, runner):
    vendor = make_user(Role.VENDOR, email="vendor@example.test")
    login(client, vendor)
    client.post(f"/loket/{office['services']['V']}/2026-11-30T09.00")
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.recipient == "vendor@example.test" and message.sent_at is None
        assert "09.00 WITA" in message.subject and "Akta pendirian" in message.body
        assert b"BEGIN:VEVENT" in message.attachment

    FakeSMTP.sent, FakeSMTP.fail_with = [], OSError("connection refused")
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    result = runner.invoke(args=["send-mail"])
    assert "sent 0, failed 1" in result.output
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.sent_at is None and "connection refused" in message.last_error

    FakeSMTP.fail_with = None
    result = runner.invoke(args=["send-mail"])
    assert "sent 1, failed 0" in result.output
    assert FakeSMTP.sent[0]["To"] == "vendor@example.test"
    assert FakeSMTP.sent[0]["From"] == "lpse@example.test"
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage)).sent_at is not None
    assert "sent 0, failed 0" in runner.invoke(args=["send-mail"]).output  # nothing twice


class WritingSMTP(FakeSMTP):
    """While 'sending', another connection writes: it must not find the database locked."""

    app = None
    writes: list = []

    def send_message(self, message):
        from sqlalchemy import text

        with WritingSMTP.app.app_context(), db.engine.connect() as other:
            other.execution_options(sqlite_immediate=True)
            other.execute(text("UPDATE office SET name = name"))
            other.commit()
        WritingSMTP.writes.append(message["To"])


def test_no_database_lock_is_held_while_the_mail_server_is_talked_to(app, client, make_user, login,
                                                                     office, monkeypatch, runner):
    login(client, make_user(Role.VENDOR, email="vendor2@example.test"))
    client.post(f"/loket/{office['services']['V']}/2026-11-30T09.00")
    WritingSMTP.app, WritingSMTP.writes, FakeSMTP.fail_with = app, [], None
    monkeypatch.setattr(smtplib, "SMTP", WritingSMTP)
    assert "sent 1, failed 0" in runner.invoke(args=["send-mail"]).output
    assert WritingSMTP.writes == ["vendor2@example.test"]
