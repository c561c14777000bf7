"""notify's domain exceptions → HTTP status (registered by service.py). None yet."""

STATUS: dict[type, int] = {}
