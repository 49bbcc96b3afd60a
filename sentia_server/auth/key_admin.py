"""API key administration with its audit trail: each create, rotation and revocation is recorded with who did it.

Commands act as `cli:<operating-system user>`; the key itself is never recorded, only its id.
"""

from __future__ import annotations

import getpass
from datetime import timedelta
from typing import Any

from sentia_server.auth.api_keys import ApiKeyStore, IssuedKey, RotatedKey
from sentia_server.auth.principal import Role
from sentia_server.storage.audit_events import Action, AuditRecord, AuditTrail, Outcome


def cli_actor() -> str:
    """`cli:<user>` for the operating-system user running a command."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        user = "unknown"
    return f"cli:{user}"


class KeyAdministration:
    def __init__(self, api_keys: ApiKeyStore, audit: AuditTrail, actor: str) -> None:
        self._api_keys = api_keys
        self._audit = audit
        self._actor = actor

    async def create(self, *, role: Role, tenant: str, name: str | None, ttl: timedelta | None) -> IssuedKey:
        issued = await self._api_keys.create(role=role, tenant=tenant, name=name, ttl=ttl)
        detail = {"role": role.value, "expires_at": _iso(issued)}
        await self._record(Action.API_KEY_CREATE, Outcome.SUCCESS, issued.key_id, tenant, detail)
        return issued

    async def rotate(self, key_id: str, *, grace: timedelta | None) -> RotatedKey | None:
        rotated = await self._api_keys.rotate(key_id, grace=grace)
        if rotated is None:
            await self._record(Action.API_KEY_ROTATE, Outcome.FAILURE, key_id, None, {"reason": "no_active_key"})
            return None
        detail = {"new_key_id": rotated.issued.key_id, "previous_ends_at": rotated.previous_ends_at.isoformat()}
        await self._record(Action.API_KEY_ROTATE, Outcome.SUCCESS, key_id, rotated.issued.tenant, detail)
        return rotated

    async def revoke(self, key_id: str) -> bool:
        revoked = await self._api_keys.revoke(key_id)
        outcome, detail = (Outcome.SUCCESS, None) if revoked else (Outcome.FAILURE, {"reason": "no_active_key"})
        await self._record(Action.API_KEY_REVOKE, outcome, key_id, None, detail)
        return revoked

    async def _record(
        self, action: Action, outcome: Outcome, key_id: str, tenant: str | None, detail: dict[str, Any] | None
    ) -> None:
        await self._audit.record(
            AuditRecord(
                action=action,
                outcome=outcome,
                actor=self._actor,
                target=f"api-key:{key_id}"[:200],
                tenant=tenant,
                detail=detail,
            )
        )


def _iso(issued: IssuedKey) -> str | None:
    return issued.expires_at.isoformat() if issued.expires_at is not None else None
