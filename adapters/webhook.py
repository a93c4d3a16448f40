"""A channel's webhook server: an aiohttp app on ``host:port``, started and stopped with its
adapter. Shared by every channel that receives platform calls over HTTP (Slack's HTTP mode,
Telegram's webhook, LINE, SMS, Viber, WhatsApp).

It is exposed to the internet, so it holds nothing for long: a connection that does not
bring a complete request within ``Limits.idle_timeout`` is closed, a body must arrive within
``Limits.read_timeout``, a body over ``Limits.max_body`` is refused from its Content-Length
before any of it is read, and connections over ``Limits.max_connections`` are closed at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.errors import TransientError

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Route = tuple[str, str, Callable[[web.Request], Awaitable[web.Response]] | Handler]
"""(HTTP method, path, handler)."""
Screen = Callable[[web.Request], web.StreamResponse | None]  # a refusal, or None to go on


@dataclass(frozen=True)
class Limits:
    """What one listener grants its callers. Platforms send small JSON bodies promptly."""

    max_body: int = 1024**2  # bytes
    idle_timeout: float = 15.0  # seconds a connection may wait to bring a complete request
    read_timeout: float = 15.0  # seconds to receive a request's body
    max_connections: int = 64  # open at once; bounds memory to about this many bodies


class WebhookServer:
    """Serves a channel's routes; ``stop`` lets a call being handled finish first."""

    def __init__(
        self,
        channel: str,
        grace: float = 60.0,
        limits: Limits | None = None,
        screen: Screen | None = None,
    ) -> None:
        """``screen`` checks a call's headers (e.g. a shared secret) before its body is read."""
        self.channel, self.grace = channel, grace  # grace: seconds calls under way may finish
        self.limits = limits or Limits()
        self._screen = screen
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def start(
        self, host: str, port: int, routes: Sequence[Route], max_body: int | None = None
    ) -> int:
        """Listen on ``host:port`` (0: a free port); return the port bound.

        Raises:
            TransientError: the address is taken or not available (the app retries).
        """
        limits = self.limits
        max_body = limits.max_body if max_body is None else max_body
        app = web.Application(
            client_max_size=max_body, middlewares=[_guard(limits, max_body, self._screen)]
        )
        for method, path, handler in routes:
            app.router.add_route(method, path, handler)
        runner = _CappedRunner(
            app,
            self.channel,
            limits.max_connections,
            access_log=None,
            shutdown_timeout=self.grace,
            keepalive_timeout=limits.idle_timeout,
            lingering_time=0,  # a refused body is not drained: the connection just closes
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:
            await runner.cleanup()
            raise TransientError(f"{self.channel}: cannot listen on {host}:{port}") from exc
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        return self.port

    async def stop(self) -> None:
        """Stop taking calls. Safe to call twice."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()


def _guard(limits: Limits, max_body: int, screen: Screen | None) -> Any:
    """Middleware: refuse an oversized body unread; read the rest within the read timeout.

    The body is read here (aiohttp keeps it for the handler's own read), so a caller that
    trickles it in cannot hold a connection longer than ``read_timeout``.
    """

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if (request.content_length or 0) > max_body:
            return _refuse(413, "body too large")
        refusal = screen(request) if screen is not None else None
        if refusal is not None:
            refusal.force_close()
            return refusal
        try:
            async with asyncio.timeout(limits.read_timeout):
                await request.read()  # raises 413 itself once a body without length is too long
        except TimeoutError:
            return _refuse(408, "body not received in time")
        return await handler(request)

    return guard


def _refuse(status: int, reason: str) -> web.Response:
    # The connection then closes, dropping whatever the caller still sends unread.
    response = web.Response(status=status, text=reason)
    response.force_close()
    return response


class _CappedRunner(web.AppRunner):
    """aiohttp's runner with a cap on open connections (aiohttp has none of its own)."""

    def __init__(self, app: web.Application, channel: str, cap: int, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._channel, self._cap = channel, cap
        self._refusing = False

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        admit = server.connection_made

        def connection_made(handler: Any, transport: Any) -> None:
            if len(server.connections) >= self._cap:
                if not self._refusing:  # once per burst, not once per connection
                    log.warning("%s: %d connections open; refusing more", self._channel, self._cap)
                self._refusing = True
                # Closed once aiohttp's handler has begun, which then ends with the transport.
                asyncio.get_running_loop().call_soon(transport.close)
                return
            self._refusing = False
            admit(handler, transport)

        server.connection_made = connection_made  # type: ignore[method-assign]
        return server
