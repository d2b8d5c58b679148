"""Search through the API: customers and companies, ignoring case and deleted records."""

from __future__ import annotations

from tests.graphql.filter_operations import COMPANIES, DELETE_COMPANY, names_matching
from tests.support import factories
from tests.support.graphql_client import GraphQLClient

# --- search ------------------------------------------------------------------------------------


async def test_customer_search(gql: GraphQLClient) -> None:
    tag = await factories.tag(gql)
    mark = factories.unique("x").split()[1]
    company = await factories.company(gql, name=f"Analytical Engines {mark}")
    await factories.customer(gql, name=f"Ada Lovelace {mark}", tagIds=[tag["id"]])
    await factories.customer(
        gql, name="Charles Babbage", companyId=company["id"], tagIds=[tag["id"]]
    )
    await factories.customer(
        gql,
        name="Mary Somerville",
        tagIds=[tag["id"]],
        contactMethods=[{"kind": "EMAIL", "value": f"mary.{mark}@science.example"}],
    )
    await factories.customer(
        gql,
        name="Michael Faraday",
        tagIds=[tag["id"]],
        contactMethods=[{"kind": "PHONE", "value": "+44 20 7946 0958"}],
    )
    mine = {"tags": {"some": {"id": {"eq": tag["id"]}}}}

    async def found(text: str) -> list[str]:
        return await names_matching(gql, mine, search=text)

    assert await found("lovelace") == [f"Ada Lovelace {mark}"]
    assert await found("ANALYTICAL engines") == ["Charles Babbage"]
    assert await found(f"MARY.{mark}@") == ["Mary Somerville"]
    assert await found("science.example") == ["Mary Somerville"]
    assert await found("20 7946") == ["Michael Faraday"]
    assert await found("7946-0958") == ["Michael Faraday"]
    assert await found("+442079460958") == ["Michael Faraday"]
    assert await found(mark) == ["Ada Lovelace " + mark, "Charles Babbage", "Mary Somerville"]
    assert await found("Nobody at all") == []
    # blank search does not filter
    assert len(await found("   ")) == 4


async def test_search_ignores_the_name_of_a_deleted_company(gql: GraphQLClient) -> None:
    # As with `company: {...}`, a deleted company no longer describes its former people
    # (their `company` reads null), so its name must not find them either.
    tag = await factories.tag(gql)
    company = await factories.company(gql, name=factories.unique("Defunct Works"))
    await factories.customer(
        gql, name="Former Employee", companyId=company["id"], tagIds=[tag["id"]]
    )
    mine = {"tags": {"some": {"id": {"eq": tag["id"]}}}}
    assert await names_matching(gql, mine, search=company["name"]) == ["Former Employee"]
    await gql.mutate(DELETE_COMPANY, {"input": {"id": company["id"]}})
    assert await names_matching(gql, {**mine, "company": {}}) == []
    assert await names_matching(gql, mine, search=company["name"]) == []


async def test_company_search(gql: GraphQLClient) -> None:
    mark = factories.unique("x").split()[1]
    await factories.company(gql, name=f"Babbage Difference {mark}")
    await factories.company(
        gql, name=f"Plain {mark}", website=f"https://www.engines-{mark}.example"
    )
    await factories.company(gql, name=f"Other {mark}", domain=f"calc-{mark}.example")
    mine = {"name": {"contains": mark}}

    async def found(text: str) -> list[str]:
        data = await gql.query(COMPANIES, {"filter": mine, "search": text})
        return [node["name"] for node in data["companies"]["nodes"]]

    assert await found("difference") == [f"Babbage Difference {mark}"]
    assert await found(f"engines-{mark}") == [f"Plain {mark}"]
    assert await found("WWW.ENGINES") == [f"Plain {mark}"]
    assert await found(f"calc-{mark}.example") == [f"Other {mark}"]
    assert await found("nothing like it") == []
