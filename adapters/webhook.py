"""A channel's webhook server: an aiohttp app on ``host:port``, started and stopped with its
adapter. Shared by every channel that receives platform calls over HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.errors import TransientError

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Route = tuple[str, str, Handler]  # (HTTP method, path, handler)


class WebhookServer:
    """Serves a channel's routes; ``stop`` lets a call being handled finish first."""

    def __init__(self, channel: str, grace: float = 60.0) -> None:
        self.channel, self.grace = channel, grace  # grace: seconds calls under way may finish
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def start(
        self, host: str, port: int, routes: list[Route], max_body: int = 1024**2
    ) -> int:
        """Listen on ``host:port`` (0: a free port); return the port bound."""
        app = web.Application(client_max_size=max_body)
        for method, path, handler in routes:
            app.router.add_route(method, path, handler)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=self.grace)
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
