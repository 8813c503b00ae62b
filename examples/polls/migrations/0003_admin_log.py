"""admin: the log of additions, changes and deletions

The admin's history pages read it: who did what to which object, and when. The user is
kept by id and username without a foreign key, so the log outlives deleted users.

Revision: 0003_admin_log
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003_admin_log'
down_revision: str | Sequence[str] | None = '0002_session_version'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('admin_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=150), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('object_id', sa.String(length=255), nullable=False),
    sa.Column('object_repr', sa.String(length=200), nullable=False),
    sa.Column('action_flag', sa.SmallInteger(), nullable=False),
    sa.Column('change_message', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_log'))
    )
    op.create_index('ix_admin_log_object', 'admin_log', ['content_type', 'object_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_admin_log_object', table_name='admin_log')
    op.drop_table('admin_log')
