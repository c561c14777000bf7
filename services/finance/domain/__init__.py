"""Plain-Python rules of the finance service (no nameko, AMQP or HTTP imports)."""
