"""Encrypted, checksummed backups of the database and the configuration (`sentia-server backup ...`)."""
