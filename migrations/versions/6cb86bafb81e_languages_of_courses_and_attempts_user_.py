"""languages of courses and attempts, user time zone

Revision ID: 6cb86bafb81e
Revises: 1e22515381a5
Create Date: 2026-12-04 15:59:47.071643

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6cb86bafb81e'
down_revision = '1e22515381a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('languages', sa.JSON(), server_default='["en"]', nullable=False))

    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), server_default='en', nullable=False))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('timezone')

    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_column('language')

    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('languages')
