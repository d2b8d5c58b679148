"""How deals move a customer along the lifecycle, as one pure rule.

The pipeline service applies it to the customer row it locks, and the seed to the rows it
generates, so demo data always looks like data the API could have written. It knows deals only
as "opened" or "won" so that the customers domain need not import the pipeline's models.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm_graphql.customers.models import LifecycleStage

_OPENED_MOVES = frozenset({LifecycleStage.LEAD})
_WON_MOVES = frozenset({LifecycleStage.LEAD, LifecycleStage.PROSPECT})


@dataclass(frozen=True, slots=True)
class Standing:
    """What a deal can change about its customer: the lifecycle stage and the owner."""

    stage: LifecycleStage
    owner_id: int | None


def after_deal(standing: Standing, *, won: bool, deal_owner_id: int | None) -> Standing:
    """Where a customer stands once a deal of theirs is opened (`won=False`) or won.

    An open deal makes a LEAD a PROSPECT; a won deal makes a LEAD or PROSPECT a CUSTOMER. A
    customer is never moved back: CUSTOMER and CHURNED stay, and so does a PROSPECT with another
    open deal. A lead moved without an owner is handed to the deal's owner, so that somebody
    follows it up. Returns `standing` itself when nothing changes.
    """
    if standing.stage not in (_WON_MOVES if won else _OPENED_MOVES):
        return standing
    owner_id = standing.owner_id
    if standing.stage is LifecycleStage.LEAD and owner_id is None:
        owner_id = deal_owner_id
    stage = LifecycleStage.CUSTOMER if won else LifecycleStage.PROSPECT
    return Standing(stage=stage, owner_id=owner_id)
