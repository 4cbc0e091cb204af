"""Running the host's app on uvicorn: in the foreground (the command) or in a thread (tests, bench)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import uvicorn


class Running:
    """A uvicorn server on ``host``:``port`` (0: any free port) in a thread of its own.

    ``url`` is the address it listens on; :meth:`stop` ends it and waits for the thread.
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0) -> None:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", ws="websockets-sansio",
                                lifespan="on", ws_max_size=64 * 1024, proxy_headers=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the host did not start")
            time.sleep(0.02)
        sock = self.server.servers[0].sockets[0]
        self.port = sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def serve(app: Any, host: str, port: int) -> None:
    """Serve in the foreground until Ctrl+C."""
    # No proxy stands before the host: an X-Forwarded-For from a page is not believed (the limit
    # on wrong join codes counts the peer's own address).
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", ws="websockets-sansio",
                            ws_max_size=64 * 1024, proxy_headers=False)
    asyncio.run(uvicorn.Server(config).serve())
