"""Workspaces built in code for tests: small and readable, or large for benchmarks."""

from __future__ import annotations

from designer.core.models import Api, BearerAuth, Call, Method, Parameter, Placement, Workspace

__all__ = ["big_workspace", "initialized_example", "small_workspace"]


def small_workspace() -> Workspace:
    """Two APIs with a few calls each, covering every placement."""
    shop = Api(
        name="Shop",
        base_url="https://shop.example.com/v1",
        auth=BearerAuth(),
        headers=[Parameter(name="Accept", value="application/json", placement=Placement.HEADER)],
        calls=[
            Call(
                name="List orders", path="/orders", parameters=[Parameter(name="page", value="1")]
            ),
            Call(
                name="Get order",
                path="/orders/{id}",
                parameters=[Parameter(name="id", value="42", placement=Placement.PATH)],
            ),
            Call(name="Create order", method=Method.POST, path="/orders"),
        ],
    )
    weather = Api(
        name="Weather",
        base_url="https://weather.example.org",
        calls=[
            Call(
                name="Forecast", path="/forecast", parameters=[Parameter(name="city", value="Oslo")]
            )
        ],
    )
    return Workspace(name="Test", apis=[shop, weather])


def big_workspace(calls: int = 500, per_api: int = 25) -> Workspace:
    """``calls`` calls spread over APIs of ``per_api`` calls, for start-up timing."""
    apis = []
    for a in range((calls + per_api - 1) // per_api):
        api = Api(name=f"Service {a + 1}", base_url=f"https://api{a + 1}.example.com/v2")
        for c in range(min(per_api, calls - a * per_api)):
            api.calls.append(
                Call(
                    name=f"Call {c + 1}",
                    method=list(Method)[c % 5],
                    path=f"/things/{c}/{{id}}",
                    parameters=[
                        Parameter(name="id", value=str(c), placement=Placement.PATH),
                        Parameter(name="limit", value="10"),
                        Parameter(name="X-Trace", value="t", placement=Placement.HEADER),
                    ],
                )
            )
        apis.append(api)
    return Workspace(name="Big", apis=apis)


def initialized_example(url: str) -> Workspace:
    """The example workspace on the demo API at ``url``, every call initialized against it
    (but *Unstable endpoint*, which fails one time in three by design)."""
    import asyncio

    from designer.core.calls.initialize import with_structure
    from designer.core.calls.service import initialize
    from designer.core.demo.server import example_secrets, example_workspace
    from designer.core.http.execute import Executor
    from designer.core.secrets.store import MemorySecretStore

    ws = example_workspace(url)
    store = MemorySecretStore(example_secrets(ws))
    api = ws.apis[0]

    async def init_all() -> None:
        async with Executor() as executor:
            for index, call in enumerate(api.calls):
                if call.name != "Unstable endpoint":
                    _, outcome = await initialize(executor, api, call, store)
                    api.calls[index], _ = with_structure(call, outcome.shape)

    asyncio.run(init_all())
    return ws
