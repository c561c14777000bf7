"""Events: the envelope and contracts, the transactional outbox relay and the idempotent inbox."""
