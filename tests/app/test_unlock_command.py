"""`crm-graphql unlock` as an operator types it (its effect on sign-ins: tests/platform/auth)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from crm_graphql.app.cli import app
from crm_graphql.core.settings import Settings


def test_unlock_needs_an_email_or_an_address() -> None:
    result = CliRunner().invoke(app, ["unlock"])
    assert result.exit_code != 0
    assert "Give --email, --address or both." in result.output


@pytest.mark.usefixtures("app")  # the database, migrated
def test_unlock_reports_what_it_forgot(settings: Settings) -> None:
    result = CliRunner().invoke(
        app,
        ["unlock", "--email", "nobody@unlock.tests.example", "--address", "192.0.2.1"],
        env={"CRM_DATABASE_URL": settings.database_url, "CRM_ENV": "test"},
    )
    assert result.exit_code == 0, result.output
    assert "Forgot 0 failed sign-ins" in result.output
