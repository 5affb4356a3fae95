"""user sign-in identity: the provider's issuer and subject, remembered at a user's first sign-in

Two nullable columns on users. Existing users have neither until they next sign in; from then on a
sign-in with their email from another issuer or subject is refused.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot alter a table in place (its CHECK constraint on role is kept).
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("sign_in_issuer", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
        batch.add_column(
            sa.Column(
                "sign_in_subject", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("sign_in_subject")
        batch.drop_column("sign_in_issuer")
