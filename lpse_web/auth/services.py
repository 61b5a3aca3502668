"""Account rules: creating accounts, checking passwords, enrolling two-factor.
Plain functions: no request, no session, no flash."""

import re
import secrets

from sqlalchemy import func, select

from lpse_web.auth import totp
from lpse_web.auth.models import User
from lpse_web.auth.passwords import hash_password, password_problems, verify_password
from lpse_web.auth.roles import Role
from lpse_web.database import utcnow
from lpse_web.extensions import db

# A fixed hash to compare against when the e-mail is unknown, so that a login for an
# unknown account takes as long as one for a known account (no account enumeration).
_DUMMY_HASH = hash_password("dummy-Password-1!")


class AccountError(ValueError):
    """A rule about accounts was broken; the message is for the user."""


def normalise_npwp(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def email_taken(email: str, except_id: int | None = None) -> bool:
    query = select(User.id).where(User.email == email.strip().lower())
    if except_id:
        query = query.where(User.id != except_id)
    return db.session.scalar(query) is not None


def create_user(*, email: str, name: str, password: str, roles, office_name: str = "",
                must_change_password: bool = False, **fields) -> User:
    problems = password_problems(password, name=name, email=email, office_name=office_name,
                                 company=fields.get("company"))
    if problems:
        raise AccountError(" ".join(problems))
    if email_taken(email):
        raise AccountError("email")
    user = User(email=email.strip().lower(), name=name.strip(), password_hash=hash_password(password),
                must_change_password=must_change_password, password_changed_at=utcnow(), **fields)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    return user


def register_vendor(*, email, name, company, npwp, phone, password, office_name="") -> User:
    return create_user(email=email, name=name, password=password, roles=[Role.VENDOR],
                       office_name=office_name, company=company.strip(),
                       npwp=normalise_npwp(npwp), phone=phone.strip())


def authenticate(email: str, password: str) -> User | None:
    user = User.by_email(email or "")
    if user is None:
        verify_password(_DUMMY_HASH, password or "")
        return None
    if not verify_password(user.password_hash, password or "") or not user.active:
        return None
    return user


def change_password(user: User, new_password: str, office_name: str = "") -> None:
    problems = password_problems(new_password, name=user.name, email=user.email,
                                 office_name=office_name, company=user.company)
    if problems:
        raise AccountError(" ".join(problems))
    if verify_password(user.password_hash, new_password):
        raise AccountError("same")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    user.rotate_session_token()  # every other session of this user ends here


def temporary_password() -> str:
    """A random password that passes the policy, for an administrator's reset."""
    while True:
        candidate = f"{secrets.token_urlsafe(9)}-{secrets.randbelow(90) + 10}Aa"
        if not password_problems(candidate):
            return candidate


def reset_password(user: User) -> str:
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = True
    user.rotate_session_token()
    return password


def reset_two_factor(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes = []
    user.rotate_session_token()


def enable_two_factor(user: User, secret: str, code: str) -> list[str] | None:
    """Finish enrolment if `code` matches `secret`; returns the new recovery codes."""
    user.totp_secret = secret
    user.totp_last_step = None
    if not totp.accept_code(user, code):
        user.totp_secret = None
        return None
    user.totp_enabled_at = utcnow()
    return totp.new_recovery_codes(user)


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))
