"""The demo users: who signs in, and who owns and handles the seeded records."""

from __future__ import annotations

from typing import Final

from crm_graphql.app.models import UserRole
from crm_graphql.devtools.seed.draws import YEAR, at
from crm_graphql.devtools.seed.rows import Rows, stamps
from crm_graphql.platform.auth.passwords import hash_password

DEMO_USERS: tuple[tuple[str, str, UserRole], ...] = (
    ("admin@example.com", "Ada Fischer", UserRole.ADMIN),
    ("manager@example.com", "Martin Keller", UserRole.MANAGER),
    ("sales@example.com", "Sofia Ramos", UserRole.SALES),
    ("sales2@example.com", "Kenji Watanabe", UserRole.SALES),
    ("support@example.com", "Priya Nair", UserRole.SUPPORT),
    ("viewer@example.com", "Victor Lemaire", UserRole.VIEWER),
)
DEMO_PASSWORD = "crm-demo-password"  # every demo user's; documented in the README

USER_IDS: Final = {
    role: [pk for pk, user in enumerate(DEMO_USERS, 1) if user[2] is role] for role in UserRole
}


def add_users(rows: Rows) -> None:
    created = at(5 * YEAR)
    # one salted hash for all demo users (argon2 is slow by design); the only part of the
    # data set that differs between runs
    password_hash = hash_password(DEMO_PASSWORD)
    manager = USER_IDS[UserRole.MANAGER][0]
    for email, name, role in DEMO_USERS:
        rows.add(
            "users",
            {
                "id": rows.next_id("users"),
                "email": email,
                "name": name,
                "role": role,
                "is_active": True,
                "password_hash": password_hash,
                "manager_id": manager if role is UserRole.SALES else None,
                **stamps(created),
            },
        )
