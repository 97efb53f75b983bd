"""A GraphQL server built on graphql-core, on 127.0.0.1, for the GraphQL call tests.

It answers like the many servers that always say 200 (errors only in the
body), records the requests it received, and can refuse introspection the
way production servers often do.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
from graphql import GraphQLError, build_schema, graphql_sync
from graphql.language import parse
from graphql.validation import NoSchemaIntrospectionCustomRule, specified_rules, validate

__all__ = ["GraphQLServer", "SDL"]

SDL = """
type Book { id: ID!, title: String!, pages: Int, author: Author! }
type Author { name: String! }
input BookFilter { minPages: Int, titleContains: String }
type Query {
  book(id: ID!): Book
  books(filter: BookFilter, limit: Int!): [Book!]!
  broken: String!
}
"""

_BOOKS = [
    {"id": "b1", "title": "Dune", "pages": 412, "author": {"name": "Frank Herbert"}},
    {"id": "b2", "title": "Solaris", "pages": 204, "author": {"name": "Stanisław Lem"}},
    {"id": "b3", "title": "Ubik", "pages": None, "author": {"name": "Philip K. Dick"}},
]


class _Root:
    @staticmethod
    def book(_info: Any, id: str) -> Any:
        if id == "missing":
            raise GraphQLError("Book 'missing' was withdrawn")
        return next((b for b in _BOOKS if b["id"] == id), None)

    @staticmethod
    def books(_info: Any, limit: int, filter: dict[str, Any] | None = None) -> Any:
        found = _BOOKS
        if filter and filter.get("minPages") is not None:
            found = [b for b in found if (b["pages"] or 0) >= filter["minPages"]]
        return found[:limit]

    @staticmethod
    def broken(_info: Any) -> Any:
        raise GraphQLError("The catalogue database is down")


class GraphQLServer:
    """Serve :data:`SDL` at ``/graphql``; ``requests`` holds each request's decoded payload."""

    def __init__(self, *, introspection: bool = True) -> None:
        schema = build_schema(SDL)
        self.requests: list[dict[str, Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self, payload: dict[str, Any]) -> None:
                owner.requests.append(payload)
                rules = list(specified_rules)
                if not introspection:
                    rules.append(NoSchemaIntrospectionCustomRule)
                try:
                    errors = validate(schema, parse(payload["query"]), rules)
                except GraphQLError as exc:
                    errors = [exc]
                if errors:
                    result: dict[str, Any] = {"errors": [e.formatted for e in errors]}
                else:
                    executed = graphql_sync(
                        schema,
                        payload["query"],
                        root_value=_Root(),
                        variable_values=payload.get("variables"),
                        operation_name=payload.get("operationName"),
                    )
                    result = executed.formatted
                body = orjson.dumps(result)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                payload = orjson.loads(self.rfile.read(length))
                payload["_method"] = "POST"
                payload["_content_type"] = self.headers.get("Content-Type")
                self._answer(payload)

            def do_GET(self) -> None:
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                payload: dict[str, Any] = dict(query)
                if "variables" in query:
                    payload["variables"] = orjson.loads(query["variables"])
                payload["_method"] = "GET"
                self._answer(payload)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._thread.join()
        self._httpd.server_close()
