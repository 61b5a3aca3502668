from sqlalchemy import func, select

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.mail.models import OutboxMessage


def test_without_smtp_booking_works_and_nothing_is_queued(app, client, make_user, login, office, runner):
    login(client, make_user(Role.VENDOR))
    response = client.post(f"/loket/{office['services']['V']}/2026-11-30T09.00")
    assert "/tiket/" in response.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert "MAIL_SERVER is not set" in runner.invoke(args=["send-mail"]).output
