"""Who may write: updates and graph store writes need the switch on and the bearer token."""

from __future__ import annotations

import hmac

from .errors import ProtocolError


def require_update_rights(enabled: bool, token: str | None, authorization: str | None) -> None:
    """Refuse writes unless updates are on and the request carries the bearer token."""
    if not enabled:
        raise ProtocolError(403, "updates are switched off on this endpoint", "update")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), str(token).encode()):
        raise ProtocolError(
            401,
            "updates need an 'Authorization: Bearer <token>' header with the update token",
            "Authorization",
            {"WWW-Authenticate": 'Bearer realm="sparql-update"'},
        )
