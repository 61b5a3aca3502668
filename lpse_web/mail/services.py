import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

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


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Deliver queued messages; a failure is recorded on the message and retried on the
    next run, up to MAX_ATTEMPTS. Returns (sent, failed)."""
    config = current_app.config
    pending = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id).limit(limit)).all()
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
            for message in pending:
                message.attempts += 1
                try:
                    smtp.send_message(_email(message, sender))
                except smtplib.SMTPException as error:
                    message.last_error, failed = str(error)[:500], failed + 1
                else:
                    message.sent_at, sent = utcnow(), sent + 1
                db.session.commit()
    except (OSError, smtplib.SMTPException) as error:  # server unreachable: try again later
        for message in pending:
            if message.sent_at is None:
                message.last_error = str(error)[:500]
        db.session.commit()
        failed = len(pending) - sent
    return sent, failed
