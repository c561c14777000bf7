"""finance's domain exceptions → HTTP status (registered by service.py). None yet: the ledger's
come with its issue."""

STATUS: dict[type, int] = {}
