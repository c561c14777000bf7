"""Plain-Python rules of the notify service (no nameko, AMQP or HTTP imports)."""
