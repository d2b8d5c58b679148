"""audit log

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

The file was meant to be revision 0004 on top of 0003, but 0004 (consents and erasure) was
taken meanwhile; the audit log follows it so that the history stays one line.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crm_graphql.core.db


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = 'audit records are append-only'


def upgrade() -> None:
    op.create_table('audit_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', crm_graphql.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('token_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=100), nullable=False),
    sa.Column('entity_type', sa.String(length=100), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('request_id', sa.String(length=100), nullable=True),
    sa.Column('client_address', sa.String(length=64), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_records')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_records_hash')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_audit_records_prev_hash'))
    )
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.create_index('ix_audit_records_actor', ['actor_user_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_records_entity', ['entity_type', 'entity_id', 'id'], unique=False)

    # Rows are written once. The database refuses UPDATE and DELETE (and TRUNCATE, which
    # fires no row triggers on PostgreSQL) so that no code path can rewrite history; the hash
    # chain shows it if someone with DDL rights does so anyway.
    # NB: on SQLite, a later batch_alter_table of audit_records rebuilds the table and loses
    # these triggers: such a migration must create them again.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            'CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ '
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        op.execute(
            'CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records '
            'FOR EACH ROW EXECUTE FUNCTION audit_records_append_only()'
        )
        op.execute(
            'CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records '
            'FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only()'
        )
    else:
        for event in ('UPDATE', 'DELETE'):
            op.execute(
                f'CREATE TRIGGER audit_records_no_{event.lower()} BEFORE {event} ON audit_records '
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_records_no_truncate ON audit_records')
        op.execute('DROP TRIGGER IF EXISTS audit_records_append_only ON audit_records')
        op.execute('DROP FUNCTION IF EXISTS audit_records_append_only()')
    else:
        op.execute('DROP TRIGGER IF EXISTS audit_records_no_delete')
        op.execute('DROP TRIGGER IF EXISTS audit_records_no_update')

    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_records_entity')
        batch_op.drop_index(batch_op.f('ix_audit_records_at'))
        batch_op.drop_index('ix_audit_records_actor')

    op.drop_table('audit_records')
