"""The audit log's part in every write transaction (graphql/transaction.py)."""

from __future__ import annotations

from crm_graphql.graphql.security.request_ids import request_id_of
from crm_graphql.graphql.transaction import Write
from crm_graphql.platform.audit.recorder import ChangeRecorder, Touched, recorder_of


class AuditTrail:
    """Records what the session flushes from the start of the transaction and appends it to
    the audit log as the last writes before the commit (but for the events): the audit
    chain's lock is held only from there to the commit."""

    def __init__(self, write: Write) -> None:
        self.write = write
        self.recorder = ChangeRecorder.attach(write.session)

    async def before_commit(self) -> None:
        write, ctx = self.write, self.write.context
        await self.recorder.write(
            write.mutation,
            actor_user_id=write.viewer.user_id,
            token_id=write.viewer.token_id,
            request_id=request_id_of(ctx),
            client_address=ctx.client_address(),
        )

    async def after_commit(self) -> None:
        pass


def touched(write: Write) -> list[Touched]:
    """What the transaction wrote, entity by entity, as its audit trail recorded it."""
    recorder = recorder_of(write.session)
    assert recorder is not None, "the audit trail joins every write transaction first"
    return recorder.touched()
