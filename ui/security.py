"""Web hardening as ASGI middleware around Gradio's app: security headers and login throttling.

Both wrap every route, Gradio's own included, and change nothing a working page needs: the policy allows
what Gradio uses (its inline scripts and styles, ``eval`` for the Vega charts, websockets/SSE to the same
host, ``blob:``/``data:`` images and workers) and nothing from another host.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' data: blob:",
        "connect-src 'self' ws: wss:",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    b"content-security-policy": CONTENT_SECURITY_POLICY.encode(),
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
}


class SecurityHeaders:
    """ASGI middleware: every HTTP response carries the headers above (unless the route set its own)."""

    def __init__(self, app: Any, headers: dict[bytes, bytes] | None = None) -> None:
        self.app = app
        self.headers = HEADERS if headers is None else headers

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers.items() if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class LoginThrottle:
    """ASGI middleware: after ``max_failures`` failed logins from one client address within ``window_s``,
    every login from it is refused with 429 for ``lockout_s`` (the right password included, so guessing
    gains nothing). Behind a reverse proxy all readers share the proxy's address: put the limit there.
    """

    def __init__(
        self,
        app: Any,
        max_failures: int = 5,
        window_s: float = 300.0,
        lockout_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.max_failures = max_failures
        self.window_s = window_s
        self.lockout_s = lockout_s
        self.clock = clock
        self.failures: dict[str, list[float]] = {}
        self.locked_until: dict[str, float] = {}

    @staticmethod
    def _is_login(scope: dict[str, Any]) -> bool:
        return (
            scope["type"] == "http" and scope.get("method") == "POST" and scope["path"].rstrip("/").endswith("/login")
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if not self._is_login(scope):
            await self.app(scope, receive, send)
            return
        client = str((scope.get("client") or ("unknown", 0))[0])
        now = self.clock()
        wait = self.locked_until.get(client, 0.0) - now
        if wait > 0:
            await self._refuse(send, wait)
            return
        status: dict[str, int] = {}

        async def watch(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if status.get("code") == 200:
            self.failures.pop(client, None)
        elif status.get("code") in (400, 401, 403):
            self._failed(client, now)

    def _failed(self, client: str, now: float) -> None:
        recent = [t for t in self.failures.get(client, []) if now - t < self.window_s] + [now]
        self.failures[client] = recent
        if len(recent) >= self.max_failures:
            self.locked_until[client] = now + self.lockout_s
            self.failures.pop(client, None)
        if len(self.failures) > 10_000:  # forget the oldest clients rather than grow without bound
            for stale in list(self.failures)[:5_000]:
                self.failures.pop(stale, None)
        for gone in [c for c, until in self.locked_until.items() if until <= now]:
            self.locked_until.pop(gone, None)

    @staticmethod
    async def _refuse(send: Any, wait: float) -> None:
        seconds = max(1, round(wait))
        body = json.dumps(
            {
                "detail": f"محاولات دخول فاشلة كثيرة؛ أعد المحاولة بعد {seconds} ثانية. — "
                f"too many failed logins; try again in {seconds} s."
            },
            ensure_ascii=False,
        ).encode()
        headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(seconds).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})
