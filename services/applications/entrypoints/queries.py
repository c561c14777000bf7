"""QueryEntrypoints: the RPC methods other services call (their names are public)."""

from __future__ import annotations

from nameko.rpc import rpc

from .. import queries


class QueryEntrypoints:
    @rpc
    def get_contact(self, person_ref):
        """Contact details for notify at send time: phone and e-mail (the owner's copy) and a masked name."""
        with self.db.read() as session:
            return queries.contact(session, person_ref)

    @rpc
    def get_application(self, application_id):
        """An application with its personal data masked (None when unknown)."""
        with self.db.read() as session:
            return queries.masked_application(session, self.clock.now(), application_id)
