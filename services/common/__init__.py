"""The platform every Anju service stands on: events, outbox/inbox, database, HTTP, auth,
metrics, config and identity helpers. Only what two or more services really use lives here."""
