"""Who may read the dashboard: the token check, the Host check and the browser's safety headers.

* On a loopback address without a token (the default), only requests whose ``Host`` is the
  loopback address itself are served: a web page elsewhere cannot point a DNS name at
  127.0.0.1 and read the figures through the visitor's browser (DNS rebinding).
* With ``--token`` (required for any other address), every request must carry it: the
  ``Authorization: Bearer …`` or ``X-Mille-Token`` header, ``?token=…``, or the cookie set when a
  browser first came with ``?token=``, so that the links between pages need not repeat it. The
  comparison takes the same time whatever the guess.
* Every response forbids scripts, styles and connections from anywhere but the dashboard itself
  (the chart libraries are served locally), framing, and leaking the URL in a Referer.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "mille_token"
HEADER = "x-mille-token"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
     b"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_name(value: str) -> str:
    """``127.0.0.1:8765`` → ``127.0.0.1``; ``[::1]:8765`` → ``::1``."""
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Guard:
    """ASGI middleware: the token (when set), the Host check (when not), the headers."""

    def __init__(self, app: ASGIApp, *, token: str | None) -> None:
        self.app = app
        self.token = token.encode() if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        set_cookie = False
        if self.token is None:
            if not is_loopback(_host_name(headers.get("host", ""))):
                await _refuse(send, 403, "This dashboard only answers on its loopback address "
                              "(http://127.0.0.1:…). Start `mille serve --host … --token …` to share it.")
                return
        else:
            supplied, from_query = self._supplied(scope, headers)
            if supplied is None or not hmac.compare_digest(supplied.encode(), self.token):
                await _refuse(send, 401, "This dashboard needs its token: open the address `mille serve` "
                              "printed (it ends in ?token=…), or send the header Authorization: Bearer <token>.",
                              wants_json="application/json" in headers.get("accept", ""))
                return
            set_cookie = from_query

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = list(SECURITY_HEADERS)
                if set_cookie and self.token is not None:
                    extra.append((b"set-cookie", COOKIE.encode() + b"=" + self.token
                                  + b"; HttpOnly; SameSite=Strict; Path=/"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _supplied(scope: Scope, headers: dict[str, str]) -> tuple[str | None, bool]:
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip(), False
        if HEADER in headers:
            return headers[HEADER].strip(), False
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if "token" in query:
            return query["token"][-1], True
        cookie = SimpleCookie(headers.get("cookie", ""))
        if COOKIE in cookie:
            return cookie[COOKIE].value, False
        return None, False


async def _refuse(send: Send, status: int, message: str, *, wants_json: bool = False) -> None:
    if wants_json:
        body = json.dumps({"error": "Forbidden" if status == 403 else "Unauthorized", "message": message}).encode()
        kind = b"application/json"
    else:
        body = (f"<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>mille</title>"
                f"<p role=\"alert\">{message}</p></html>").encode()
        kind = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                            *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})
