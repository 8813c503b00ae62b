"""auth: a session version on each user

Raised by logout() with signed-cookie sessions (and by core.auth.end_sessions()): every
session of the user then stops matching, so a copy of a cookie taken before logout is
anonymous after it. Existing users start at 0, which keeps them logged in.

Revision: 0002_session_version
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002_session_version'
down_revision: str | Sequence[str] | None = '0001_auth'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('auth_user') as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('auth_user') as batch_op:
        batch_op.drop_column('session_version')
