"""The studio tests' tiny Rutland scenario, and a studio served on 127.0.0.1 to call."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

from roster.studio.server import TOKEN_HEADER, Studio, make_server
from roster.studio.workspace import Workspace

# About 25 recipients in two neighbourhoods, Monday only, a search that stops by itself: the
# comparison a test starts from the page finishes in well under a minute.
TINY = {
    "name": "rutland-tiny",
    "demand": {"prevalence_65_plus": 0.002},
    "comparison": {"neighbourhood_size": 12, "days": 1, "workers": 1, "time_budget_s": 0},
    "rounds": {"time_limit_s": None, "solution_limit": 10, "metaheuristic": "GREEDY_DESCENT"},
}
TOKEN = "test-token-0123456789"


@dataclass
class Served:
    """A studio served on 127.0.0.1, and a way to call it."""

    studio: Studio
    base: str

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        token: str | None = TOKEN,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, dict[str, str]]:
        """Send a request; return the status, the body and the headers."""
        request = urllib.request.Request(self.base + path, data=body, method=method)
        if token is not None:
            request.add_header(TOKEN_HEADER, token)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)


def serve(workspace: Workspace, out, cache_dir) -> Iterator[Served]:
    """Serve a studio on a free port until the caller is done, then stop it and its runs."""
    studio = Studio(workspace, out, token=TOKEN, cache_dir=str(cache_dir))
    server = make_server(studio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(studio, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        studio.close()
        thread.join(5)
