"""Filters through relations (customers of companies in an industry, with an order over an
amount...) and soft deletes on the far side."""

from __future__ import annotations

from tests.graphql.filter_operations import (
    CUSTOMERS,
    DELETE_COMPANY,
    DELETE_ORDER,
    DELETE_TAG,
    LOG_INTERACTION,
    RESTORE_TAG,
    first_error,
    names_matching,
    new_people,
    suffixes,
)
from tests.support import factories
from tests.support.graphql_client import GraphQLClient

# --- relations ---------------------------------------------------------------------------------


async def test_customers_of_companies_in_an_industry(gql: GraphQLClient) -> None:
    industry = factories.unique("Industry")
    prefix = factories.unique("Works")
    inside = await factories.company(gql, industry=industry)
    outside = await factories.company(gql, industry=factories.unique("Industry"))
    gone = await factories.company(gql, industry=industry)
    await factories.customer(gql, name=f"{prefix} a", companyId=inside["id"])
    await factories.customer(gql, name=f"{prefix} b", companyId=outside["id"])
    await factories.customer(gql, name=f"{prefix} c")
    await factories.customer(gql, name=f"{prefix} d", companyId=gone["id"])
    in_industry = {"company": {"industry": {"eq": industry}}}
    assert await suffixes(gql, prefix, in_industry) == ["a", "d"]
    # a company is deleted
    await gql.mutate(DELETE_COMPANY, {"input": {"id": gone["id"]}})
    # it no longer satisfies any company condition
    assert await names_matching(gql, in_industry) == [f"{prefix} a"]
    assert await suffixes(gql, prefix, {"company": {"id": {"eq": gone["id"]}}}) == []
    assert await suffixes(gql, prefix, {"company": {}}) == ["a", "b"]
    assert await suffixes(gql, prefix, {"not": {"company": {}}}) == ["c", "d"]
    # the key itself is unchanged
    assert await suffixes(gql, prefix, {"companyId": {"eq": gone["id"]}}) == ["d"]


async def test_tag_list_filters(gql: GraphQLClient) -> None:
    prefix = factories.unique("Tagged")
    vip = await factories.tag(gql)
    red = await factories.tag(gql, color="#FF0000")
    await new_people(
        gql,
        prefix,
        {
            "a": {"tagIds": [vip["id"]]},
            "b": {"tagIds": [vip["id"], red["id"]]},
            "c": {"tagIds": [red["id"]]},
            "d": {},
        },
    )
    is_vip = {"id": {"eq": vip["id"]}}
    assert await suffixes(gql, prefix, {"tags": {"some": is_vip}}) == ["a", "b"]
    assert await suffixes(gql, prefix, {"tags": {"none": is_vip}}) == ["c", "d"]
    assert await suffixes(gql, prefix, {"tags": {"every": is_vip}}) == ["a", "d"]
    assert await suffixes(gql, prefix, {"tags": {"some": {}}}) == ["a", "b", "c"]
    assert await suffixes(gql, prefix, {"tags": {"none": {}}}) == ["d"]
    assert await suffixes(gql, prefix, {"tags": {"some": is_vip, "none": {"name": {}}}}) == []
    both = {"and": [{"tags": {"some": is_vip}}, {"tags": {"some": {"color": {"eq": "#FF0000"}}}}]}
    assert await suffixes(gql, prefix, both) == ["b"]
    assert await suffixes(gql, prefix, {"tags": {"some": {"name": {"eq": red["name"]}}}}) == [
        "b",
        "c",
    ]


async def test_every_tag_with_a_colour_excludes_uncoloured_tags(gql: GraphQLClient) -> None:
    # A tag without a colour does not have the colour #FF0000, so a customer carrying one
    # does not have `every` tag red.
    prefix = factories.unique("Every")
    red = await factories.tag(gql, color="#FF0000")
    plain = await factories.tag(gql)
    await new_people(
        gql,
        prefix,
        {"red": {"tagIds": [red["id"]]}, "mixed": {"tagIds": [red["id"], plain["id"]]}},
    )
    every_red = {"tags": {"every": {"color": {"eq": "#FF0000"}}}}
    assert await suffixes(gql, prefix, every_red) == ["red"]


async def test_a_deleted_tag_matches_no_tag_condition(gql: GraphQLClient) -> None:
    prefix = factories.unique("Untagged")
    tag = await factories.tag(gql)
    await new_people(gql, prefix, {"a": {"tagIds": [tag["id"]]}, "b": {}})
    has_tag = {"id": {"eq": tag["id"]}}
    assert await suffixes(gql, prefix, {"tags": {"some": has_tag}}) == ["a"]
    await gql.mutate(DELETE_TAG, {"input": {"id": tag["id"]}})
    assert await suffixes(gql, prefix, {"tags": {"some": has_tag}}) == []
    assert await suffixes(gql, prefix, {"tags": {"none": has_tag}}) == ["a", "b"]
    assert await suffixes(gql, prefix, {"tags": {"some": {}}}) == []
    # and restored, it counts again
    await gql.mutate(RESTORE_TAG, {"input": {"id": tag["id"]}})
    assert await suffixes(gql, prefix, {"tags": {"some": has_tag}}) == ["a"]


async def test_customers_with_an_order_over_an_amount(gql: GraphQLClient) -> None:
    prefix = factories.unique("Spender")
    product = await factories.product(gql, price="1.00")

    async def customer_with_order(suffix: str, price: str, currency: str = "EUR") -> str:
        customer = await factories.customer(gql, name=f"{prefix} {suffix}")
        order = await factories.order(
            gql,
            customer["id"],
            [{"productId": product["id"], "quantity": 1, "unitPrice": price}],
            currency=currency,
        )
        return str(order["id"])

    await customer_with_order("small", "50.00")
    await customer_with_order("exact", "100.00")
    await customer_with_order("big", "150.00")
    await customer_with_order("dollars", "500.00", currency="USD")
    deleted = await customer_with_order("deleted", "900.00")
    await gql.mutate(DELETE_ORDER, {"input": {"id": deleted}})
    await factories.customer(gql, name=f"{prefix} none")
    over_100 = {"orders": {"some": {"total": {"currency": "EUR", "gt": "100"}}}}
    assert await suffixes(gql, prefix, over_100) == ["big"]
    at_least = {"orders": {"some": {"total": {"currency": "eur", "gte": "100.00"}}}}
    assert await suffixes(gql, prefix, at_least) == ["big", "exact"]
    assert await suffixes(gql, prefix, {"orders": {"none": {}}}) == ["deleted", "none"]
    in_usd = {"orders": {"some": {"total": {"currency": "USD", "gt": "0"}}}}
    assert await suffixes(gql, prefix, in_usd) == ["dollars"]


async def test_customers_with_an_interaction_since_a_date(gql: GraphQLClient) -> None:
    prefix = factories.unique("Talked")
    times = {
        "recent": "2024-06-15T10:00:00+00:00",
        "old": "2023-01-10T10:00:00+00:00",
        "edge": "2024-05-31T23:30:00-02:00",  # 2024-06-01T01:30Z
    }
    for suffix, occurred_at in times.items():
        customer = await factories.customer(gql, name=f"{prefix} {suffix}")
        await gql.mutate(
            LOG_INTERACTION,
            {
                "input": {
                    "customerId": customer["id"],
                    "kind": "CALL",
                    "subject": suffix,
                    "occurredAt": occurred_at,
                }
            },
        )
    await factories.customer(gql, name=f"{prefix} silent")
    since = {"interactions": {"some": {"occurredAt": {"gte": "2024-06-01T00:00:00+00:00"}}}}
    assert await suffixes(gql, prefix, since) == ["edge", "recent"]
    calls_before = {"interactions": {"some": {"occurredAt": {"lt": "2024-01-01T00:00:00Z"}}}}
    assert await suffixes(gql, prefix, calls_before) == ["old"]
    assert await suffixes(gql, prefix, {"interactions": {"none": {}}}) == ["silent"]


async def test_a_datetime_without_a_zone_is_refused(gql: GraphQLClient) -> None:
    # A timestamp without an offset is ambiguous: refused as the client's mistake (a variable
    # validation error), never a database error.
    error = await first_error(
        gql, CUSTOMERS, {"filter": {"createdAt": {"gt": "2020-01-01T00:00:00"}}}
    )
    assert "time zone" in error["message"]
    assert "path" not in error  # a request error, before anything ran
    # with an offset, it filters
    prefix = factories.unique("Zoned")
    await new_people(gql, prefix, {"a": {}})
    assert await suffixes(gql, prefix, {"createdAt": {"gt": "2020-01-01T00:00:00Z"}}) == ["a"]
    assert await suffixes(gql, prefix, {"createdAt": {"lt": "2020-01-01T00:00:00+02:00"}}) == []
