"""the lesson that teaches a question; when an account was deleted

Revision ID: 11a4a81c42fe
Revises: 6cb86bafb81e
Create Date: 2026-12-04 18:36:11.654782

"""
from alembic import op
import sqlalchemy as sa

import lms.core.db


# revision identifiers, used by Alembic.
revision = '11a4a81c42fe'
down_revision = '6cb86bafb81e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('estimated_minutes', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lesson_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_question_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_question_lesson_id_lesson'), 'lesson', ['lesson_id'], ['id'])

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', lms.core.db.UTCDateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('estimated_minutes')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_question_lesson_id_lesson'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_question_lesson_id'))
        batch_op.drop_column('lesson_id')

