"""Signing in to the web pages (登录): the same principals and roles as the API. The token a person signs in with
is kept in an HttpOnly, SameSite=Strict cookie that only the pages under /app are sent; the JSON API never reads
it (it takes only `Authorization: Bearer`), so a page elsewhere cannot make a browser act through the API. Forms
carry Litestar's CSRF token as well."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import anyio.to_thread
from litestar import Request
from litestar.response import Redirect

from api.http_security import Services
from infrastructure.principals import Principal

COOKIE = "tongban_session"
APP = "/app"


class SignInNeeded(Exception):
    """No token, or one that is unknown or revoked: the page asks the person to sign in."""


def csrf_secret(keystore_dir: Path) -> str:
    """The secret that signs CSRF tokens: kept beside the keys (made once), so every worker and restart agree."""
    path = keystore_dir / "web-csrf.secret"
    if not path.exists():
        keystore_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(os.urandom(32).hex())
    return path.read_text().strip()


async def provide_viewer(request: Request[Any, Any, Any]) -> Principal:
    """The person signed in to the pages (the principal of the session cookie's token)."""
    token = request.cookies.get(COOKIE, "")
    services: Services = request.app.state.services
    principal = await anyio.to_thread.run_sync(services.principals.authenticate, token) if token else None
    if principal is None:
        raise SignInNeeded
    return principal


def signed_out() -> Redirect:
    redirect = Redirect(f"{APP}/sign-in", status_code=303)
    redirect.delete_cookie(COOKIE, path=APP)
    return redirect


def to_sign_in(_: Request[Any, Any, Any], __: SignInNeeded) -> Redirect:
    return signed_out()


def signed_in(token: str, secure: bool) -> Redirect:
    redirect = Redirect(f"{APP}/", status_code=303)
    redirect.set_cookie(COOKIE, token, path=APP, httponly=True, samesite="strict", secure=secure)
    return redirect
