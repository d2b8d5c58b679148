"""The lifecycle rule that deals apply to their customer: pure logic, no database."""

from __future__ import annotations

import pytest

from crm_graphql.customers.lifecycle import Standing, after_deal
from crm_graphql.customers.models import LifecycleStage

LEAD = LifecycleStage.LEAD
PROSPECT = LifecycleStage.PROSPECT
CUSTOMER = LifecycleStage.CUSTOMER
CHURNED = LifecycleStage.CHURNED
OWNER = 7
DEAL_OWNER = 3


@pytest.mark.parametrize(
    ("stage", "won", "expected"),
    [
        (LEAD, False, PROSPECT),
        (LEAD, True, CUSTOMER),
        (PROSPECT, True, CUSTOMER),
    ],
)
def test_a_deal_moves_its_customer_forward(
    stage: LifecycleStage, won: bool, expected: LifecycleStage
) -> None:
    after = after_deal(Standing(stage, OWNER), won=won, deal_owner_id=DEAL_OWNER)

    assert after == Standing(expected, OWNER)


@pytest.mark.parametrize(
    ("stage", "won"),
    [
        (PROSPECT, False),
        (CUSTOMER, False),
        (CUSTOMER, True),
        (CHURNED, False),
        (CHURNED, True),
    ],
)
def test_a_customer_is_never_moved_back_nor_sideways(stage: LifecycleStage, won: bool) -> None:
    before = Standing(stage, None)

    after = after_deal(before, won=won, deal_owner_id=DEAL_OWNER)

    assert after is before


@pytest.mark.parametrize("won", [False, True])
def test_an_unowned_lead_is_handed_to_the_deals_owner(won: bool) -> None:
    after = after_deal(Standing(LEAD, None), won=won, deal_owner_id=DEAL_OWNER)

    assert after.owner_id == DEAL_OWNER


def test_an_owned_lead_keeps_its_owner() -> None:
    after = after_deal(Standing(LEAD, OWNER), won=False, deal_owner_id=DEAL_OWNER)

    assert after.owner_id == OWNER


def test_an_unowned_lead_of_an_unowned_deal_stays_unowned() -> None:
    after = after_deal(Standing(LEAD, None), won=True, deal_owner_id=None)

    assert after == Standing(CUSTOMER, None)


def test_only_a_lead_is_handed_over() -> None:
    after = after_deal(Standing(PROSPECT, None), won=True, deal_owner_id=DEAL_OWNER)

    assert after == Standing(CUSTOMER, None)
