"""content version: the number every process caches course content under

`courses sync` bumps it when it changed something, so every worker on every host drops its
cached course structure and rendered lessons.

Revision ID: 7a41c0d2b9e5
Revises: 26ec3e7db033
Create Date: 2026-12-07 15:00:00

"""
from alembic import op
import sqlalchemy as sa

import lms.core.db


revision = '7a41c0d2b9e5'
down_revision = '26ec3e7db033'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('synced_at', lms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_version'))
    )


def downgrade():
    op.drop_table('content_version')
