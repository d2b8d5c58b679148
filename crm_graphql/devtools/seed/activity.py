"""Interactions: calls, e-mails, chats, meetings and notes that talk about the customer's
own orders and the catalogue's products."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Final

from crm_graphql.app.models import InteractionDirection, InteractionKind, UserRole
from crm_graphql.devtools.seed.catalogue import Catalogue
from crm_graphql.devtools.seed.draws import BASE_TIME, Pick, between, later
from crm_graphql.devtools.seed.people import Timeline
from crm_graphql.devtools.seed.rows import Rows, stamps
from crm_graphql.devtools.seed.staff import USER_IDS

INTERACTIONS_PER_CUSTOMER: Final = 5

_PICK_KIND: Final = Pick(
    ((InteractionKind.EMAIL, 35), (InteractionKind.CALL, 25), (InteractionKind.CHAT, 15),
     (InteractionKind.NOTE, 15), (InteractionKind.MEETING, 10))
)  # fmt: skip
_IN: Final = InteractionDirection.INBOUND
_OUT: Final = InteractionDirection.OUTBOUND
_NOTE: Final = InteractionDirection.INTERNAL
# (direction, subject, body); placeholders: {first} name, {product}, {order} number, {qty}, {city}.
_INTERACTION_TEXTS: Final[
    Mapping[InteractionKind, tuple[tuple[InteractionDirection, str, str], ...]]
] = {
    InteractionKind.CALL: (
        (_OUT, "Follow-up call about {product}",
         "Called {first} about the {product} quote. Wants pricing for {qty} units by Friday."),
        (_OUT, "Discovery call",
         "Intro call with {first}. Main pain point: slow reporting. Will send a short proposal."),
        (_IN, "Delivery question",
         "{first} asked when {order} will arrive. Confirmed shipping within two business days."),
        (_IN, "Renewal discussion",
         "{first} called about the renewal and asked about volume discounts for next year."),
        (_IN, "Billing question",
         "{first} could not find the VAT number on the last invoice. Explained where it is."),
    ),
    InteractionKind.EMAIL: (
        (_OUT, "Quote for {product}",
         "Hi {first},\n\nattached is our quote for {qty} x {product}. "
         "Happy to answer any questions.\n\nBest regards"),
        (_IN, "Re: Invoice for {order}",
         "{first} asked for a corrected billing address on {order}. Sent the updated PDF."),
        (_OUT, "Welcome aboard", "Sent the onboarding guide and portal login to {first}."),
        (_IN, "Return request",
         "{first} wants to return one {product} from {order}. Return label sent."),
        (_OUT, "Product update",
         "Shared the release notes for {product} and invited {first} to the webinar."),
    ),
    InteractionKind.CHAT: (
        (_IN, "Website chat: shipping costs",
         "{first} asked about shipping costs to {city}. Pointed to the rates page."),
        (_IN, "Chat: login problem",
         "{first} could not log in to the portal. Password reset; solved."),
        (_IN, "Chat: order status", "Status request for {order}. Sent the tracking link."),
        (_IN, "Chat: product question",
         "Question about {product} compatibility. Sent the spec sheet."),
        (_OUT, "Chat: renewal reminder",
         "Reminded {first} that the subscription renews next month."),
    ),
    InteractionKind.MEETING: (
        (_OUT, "Quarterly business review",
         "QBR with {first}: usage is up, two open tickets, next review in three months."),
        (_OUT, "Product demo: {product}",
         "Demo of {product} for {first} and two colleagues. Good feedback; trial requested."),
        (_OUT, "Contract negotiation",
         "Went through the contract draft with {first}. Legal review pending on their side."),
        (_OUT, "Site visit in {city}",
         "Visited {first} in {city}. Toured the office and discussed a larger rollout."),
    ),
    InteractionKind.NOTE: (
        (_NOTE, "Prefers email",
         "{first} prefers email over phone calls; best reached in the morning."),
        (_NOTE, "Budget cycle", "Budget planning happens in Q4; reach out in September."),
        (_NOTE, "Decision maker", "{first} signs off on purchases above 10k."),
        (_NOTE, "Payment reminder",
         "Sent a friendly reminder about the open balance on {order}."),
        (_NOTE, "Met at a trade show",
         "Met {first} at the trade show in {city}; keen on {product}."),
    ),
}  # fmt: skip
_TEXTS_WITHOUT_ORDER: Final = {
    kind: tuple(t for t in texts if "{order}" not in t[1] + t[2])
    for kind, texts in _INTERACTION_TEXTS.items()
}
# (shortest, longest, step) in seconds; meetings are booked in quarter hours.
_DURATION: Final = {
    InteractionKind.CALL: (60, 3_600, 1),
    InteractionKind.CHAT: (120, 1_800, 1),
    InteractionKind.MEETING: (900, 5_400, 900),
}


class InteractionGenerator:
    def __init__(self, rng: random.Random, rows: Rows, catalogue: Catalogue) -> None:
        self.rng = rng
        self.rows = rows
        self.product_names = catalogue.names

    def add_for(self, who: Timeline, placed: Sequence[tuple[datetime, int]]) -> None:
        rng = self.rng
        start = max(who.created_at, BASE_TIME - timedelta(days=730))
        moments = sorted(between(rng, start, BASE_TIME) for _ in range(INTERACTIONS_PER_CUSTOMER))
        for moment in moments:
            kind = _PICK_KIND(rng)
            # Only orders placed by then can be talked about.
            earlier = [order_id for when, order_id in placed if when <= moment]
            texts = _INTERACTION_TEXTS if earlier else _TEXTS_WITHOUT_ORDER
            direction, subject, body = rng.choice(texts[kind])
            values = {
                "first": who.first,
                "city": who.city,
                "qty": rng.choice((5, 10, 20, 50, 100)),
                "product": rng.choice(self.product_names),
                "order": f"SO-{rng.choice(earlier):06d}" if earlier else "",
            }
            created = later(rng, moment, 2 * 3_600)
            self.rows.add(
                "interactions",
                {
                    "id": self.rows.next_id("interactions"),
                    "customer_id": who.id,
                    "user_id": self._handler(who, kind, direction),
                    "kind": kind,
                    "direction": direction,
                    "subject": subject.format(**values),
                    "body": body.format(**values),
                    "occurred_at": moment,
                    "duration_seconds": self._duration(kind),
                    "deleted_at": None,
                    **stamps(created),
                },
            )

    def _duration(self, kind: InteractionKind) -> int | None:
        bounds = _DURATION.get(kind)
        if bounds is None:
            return None
        shortest, longest, step = bounds
        return self.rng.randrange(shortest, longest + 1, step)

    def _handler(
        self, who: Timeline, kind: InteractionKind, direction: InteractionDirection
    ) -> int:
        """Support answers most inbound chats and calls; sales (the owner, if any) the rest."""
        support = kind in (InteractionKind.CHAT, InteractionKind.CALL)
        if support and direction is InteractionDirection.INBOUND and self.rng.random() < 0.7:
            return self.rng.choice(USER_IDS[UserRole.SUPPORT])
        if who.owner_id in USER_IDS[UserRole.SALES]:
            return who.owner_id
        return self.rng.choice(USER_IDS[UserRole.SALES])
