"""Which provider account may act as a user: the first sign-in's issuer and subject are kept."""

from __future__ import annotations

from sqlmodel import Session

from data_access.db import record_write
from data_access.models import User

SIGN_IN_UNKNOWN = "unknown"  # no user with this email: nothing to remember yet
SIGN_IN_FIRST = "first"  # the user's first sign-in: issuer and subject remembered now
SIGN_IN_SAME = "same"  # the issuer and subject remembered at the first sign-in
SIGN_IN_OTHER = "other"  # the user's email, but another issuer or subject: refused


def check_sign_in(session: Session, *, email: str, issuer: str, subject: str) -> str:
    """Whether this sign-in (the ID token's email, `iss` and `sub`) may act as the user with that
    email. The first sign-in remembers the issuer and subject (audited); a later one from another
    issuer or subject (another account at the provider that carries the same email) is refused, and
    the refusal is written to the audit log for the admin."""
    user = session.get(User, email.strip().lower())
    if user is None:
        return SIGN_IN_UNKNOWN
    if user.sign_in_subject is None:
        user.sign_in_issuer, user.sign_in_subject = issuer, subject
        record_write(
            session,
            actor=user.email,
            operation="first_sign_in",
            table_name="users",
            row_key=user.email,
            detail={"issuer": issuer, "subject": subject},
        )
        return SIGN_IN_FIRST
    if (user.sign_in_issuer, user.sign_in_subject) == (issuer, subject):
        return SIGN_IN_SAME
    record_write(
        session,
        actor=user.email,
        operation="refuse_sign_in",
        table_name="users",
        row_key=user.email,
        detail={
            "issuer": issuer,
            "subject": subject,
            "remembered_issuer": user.sign_in_issuer,
            "remembered_subject": user.sign_in_subject,
        },
    )
    return SIGN_IN_OTHER
