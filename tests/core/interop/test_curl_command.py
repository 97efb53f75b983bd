"""Copy as cURL: one call's command, as the curl export writes it, runs as it is."""

from __future__ import annotations

import os
import shutil
import subprocess

import orjson
import pytest

from designer.core.interop.curl.exporter import curl_command
from designer.core.models import (
    Api,
    BearerAuth,
    BodyType,
    Call,
    Environment,
    Method,
    Parameter,
    Placement,
    ValueType,
)
from tests.helpers.recording_server import RecordingServer


def test_the_command_reads_its_secret_from_the_variable_and_reaches_the_environment() -> None:
    if shutil.which("curl") is None:
        pytest.skip("needs curl")
    with RecordingServer() as server:
        api = Api(
            name="Shop",
            base_url="https://shop.invalid/v1",
            auth=BearerAuth(),
            environments=[Environment(name="local", base_url=server.url + "/v1")],
            calls=[
                Call(
                    name="Create order",
                    method=Method.POST,
                    path="/orders",
                    body_type=BodyType.JSON,
                    parameters=[
                        Parameter(
                            name="quantity",
                            value="3",
                            placement=Placement.BODY,
                            type=ValueType.INTEGER,
                        ),
                    ],
                )
            ],
        )
        command, variables = curl_command([api], api, api.calls[0], "local")
        assert variables == ["CD_SECRET_SHOP_AUTH_TOKEN"]
        env = {**os.environ, "CD_SECRET_SHOP_AUTH_TOKEN": "tok 'quoted' $x"}
        done = subprocess.run(
            ["bash", "-c", command + " -s -o /dev/null"], env=env, timeout=30, check=False
        )
        assert done.returncode == 0
        seen = server.seen[-1]
    assert (seen.method, seen.path) == ("POST", "/v1/orders")
    assert seen.headers["authorization"] == "Bearer tok 'quoted' $x"
    assert orjson.loads(seen.body) == {"quantity": 3}
