"""Who is signed in, what they may do, and the CSRF token every form carries.

The session is Starlette's signed cookie (itsdangerous), HttpOnly and SameSite=Strict, Secure over
TLS; it holds the user's name and the CSRF token, never a password. Every request looks the user up
again, so a removed user's session ends at once and a role change applies at the next click."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher
from fastapi import Form, Request

from ml_connector.accounts import LOCK_AFTER, LOCK_FOR, Accounts, SignedIn

SESSION_COOKIE = "ml_console"
SESSION_HOURS = 8


@dataclass(frozen=True)
class ConsoleSecurity:
    """How the console signs sessions and answers failed sign-ins.

    `secret_key`: signs session cookies (random per process by default: a restart signs everyone out).
    `https`: cookies get the Secure flag (set when the console serves TLS).
    `login_delay`: seconds every failed sign-in waits before its answer (slows password guessing).
    """

    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    https: bool = False
    login_delay: float = 1.0
    lock_after: int = LOCK_AFTER
    lock_for: timedelta = LOCK_FOR
    hasher: PasswordHasher | None = None  # None: argon2-cffi's recommended cost (tests pass a cheaper one)


class NotSignedIn(Exception):
    """The request needs a signed-in user: the console answers with the sign-in page."""


class NotAllowed(Exception):
    """The signed-in user's role may not do this."""


class BadToken(Exception):
    """A form came without the CSRF token of its session."""


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, csrf_token: str = Form("")) -> None:
    """A dependency of every form handler: the form's token must be the session's."""
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not expected or not secrets.compare_digest(csrf_token, expected):
        raise BadToken()


def current_user(request: Request) -> SignedIn:
    accounts: Accounts = request.app.state.accounts
    name = request.session.get("user")
    user = accounts.find(name) if isinstance(name, str) else None
    if user is None:
        request.session.pop("user", None)
        raise NotSignedIn()
    return user


def operator(request: Request) -> SignedIn:
    user = current_user(request)
    if not user.can_act:
        raise NotAllowed()
    return user


def sign_in(request: Request, user: SignedIn) -> None:
    request.session.clear()
    request.session["user"] = user.name
    request.session["csrf"] = secrets.token_urlsafe(32)  # a new token for the new session


def sign_out(request: Request) -> None:
    request.session.clear()
