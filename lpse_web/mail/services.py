import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select, update

from lpse_web.database import utcnow
from lpse_web.extensions import db
from lpse_web.mail.models import OutboxMessage

MAX_ATTEMPTS = 5


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def queue_mail(recipient: str, subject: str, body: str, *, attachment_name: str | None = None,
               attachment: bytes | None = None) -> OutboxMessage | None:
    """Queue a message in the current transaction; None when SMTP is not configured."""
    if not mail_configured() or not recipient:
        return None
    message = OutboxMessage(recipient=recipient, subject=subject, body=body,
                            attachment_name=attachment_name, attachment=attachment)
    db.session.add(message)
    return message


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = sender, message.recipient, message.subject
    email.set_content(message.body)
    if message.attachment:
        email.add_attachment(message.attachment, maintype="text", subtype="calendar",
                             filename=message.attachment_name or "lampiran.ics")
    return email


def _claim(message_id: int, seen_attempts: int) -> bool:
    """Take a message for this run (one guarded UPDATE, committed at once): two timer
    runs that overlap never send the same message twice."""
    claimed = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None),
                                    OutboxMessage.attempts == seen_attempts)
        .values(attempts=OutboxMessage.attempts + 1)).rowcount == 1
    db.session.commit()
    return claimed


def _record(message_ids: list[int], **values) -> None:
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(message_ids)).values(**values))
    db.session.commit()


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Deliver queued messages; a failure is recorded on the message and retried on the
    next run, up to MAX_ATTEMPTS. Returns (sent, failed).

    No transaction stays open while the mail server is talked to: on SQLite that would
    hold the write lock and stop every booking for as long as the server takes."""
    config = current_app.config
    pending = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.attempts)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id).limit(limit)).all()
    db.session.commit()
    sent = failed = 0
    if not pending:
        return sent, failed
    sender = config.get("MAIL_SENDER") or f"lpse@{config['MAIL_SERVER']}"
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=30) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            for message_id, attempts in pending:
                if not _claim(message_id, attempts):
                    continue
                email = _email(db.session.get(OutboxMessage, message_id), sender)
                db.session.commit()
                try:
                    smtp.send_message(email)
                except smtplib.SMTPException as error:
                    _record([message_id], last_error=str(error)[:500])
                    failed += 1
                else:
                    _record([message_id], sent_at=utcnow(), last_error="")
                    sent += 1
    except (OSError, smtplib.SMTPException) as error:  # server unreachable: try again later
        db.session.rollback()
        done = sent + failed
        _record([message_id for message_id, _ in pending[done:]], last_error=str(error)[:500])
        failed = len(pending) - sent
    return sent, failed
