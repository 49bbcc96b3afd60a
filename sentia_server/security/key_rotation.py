"""`sentia-server keys rotate-encryption`: every value encrypted at rest re-encrypted under the first key.

The encrypted values kept for longer than a few minutes are the vendor tokens (`vendor_tokens`). OAuth consent
states also pass through the cache encrypted, but live ten minutes: they stay readable while their key remains in the
keyring. Running the rotation twice changes nothing the second time; a value under a key id that is no longer
configured is reported and left untouched, so that adding the key back recovers it.
"""

from __future__ import annotations

from sentia_server.security.encryption import Keyring
from sentia_server.storage.audit_events import Action, AuditRecord, AuditTrail, Outcome
from sentia_server.storage.database import Database
from sentia_server.storage.vendor_tokens import Reencryption, VendorTokenRepository


async def rotate_encryption(database: Database, keyring: Keyring, audit: AuditTrail, actor: str) -> Reencryption:
    """Re-encrypt every stored value under `keyring`'s first key, and audit what was done."""
    report = await VendorTokenRepository(database, keyring).reencrypt_all()
    await audit.record(
        AuditRecord(
            action=Action.ENCRYPTION_ROTATE,
            outcome=Outcome.PARTIAL if report.errors else Outcome.SUCCESS,
            actor=actor,
            target=f"key:{keyring.primary_key_id}",
            detail={"reencrypted": report.reencrypted, "current": report.current, "errors": len(report.errors)},
        )
    )
    return report
