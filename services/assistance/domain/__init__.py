"""Plain-Python rules of the assistance service (no nameko, AMQP or HTTP imports)."""
