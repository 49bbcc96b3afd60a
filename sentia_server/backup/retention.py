"""Which backups have outlived their retention: older than their kind's number of days, except the newest few of
each kind, which are kept so that an idle server never prunes its last good backup."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sentia_server.backup.catalogue import Manifest


def expired(
    manifests: Sequence[Manifest], *, now: datetime, retention_days: Mapping[str, int], keep_latest: int
) -> list[Manifest]:
    """The backups to delete, oldest first. A kind without a retention setting is never pruned."""
    doomed: list[Manifest] = []
    for kind, days in retention_days.items():
        of_kind = sorted((m for m in manifests if m.kind == kind), key=lambda m: (m.created_at, m.id), reverse=True)
        cutoff = now - timedelta(days=days)
        doomed += [manifest for manifest in of_kind[keep_latest:] if manifest.created_at < cutoff]
    return sorted(doomed, key=lambda m: (m.created_at, m.id))
