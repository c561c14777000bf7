"""Round (配租轮次) endpoints: open, draw, read, list, export (staff, and public once drawn);
the timer that announces drawn offers."""

from __future__ import annotations

from nameko.timer import timer

from services.common import paging
from services.common.http import api
from services.common.ratelimit import RateLimit

from .. import roles, rounds, schemas, settings, views

ANNOUNCE_BATCHES_PER_TICK = 20  # at most 10,000 offers per tick; the next tick continues
# The public export of a 200,000-applicant round is ~20 MB built on request: per client (per
# replica), at most this many an hour.
PUBLIC_EXPORTS = RateLimit(60, 3600)


class RoundsEntrypoints:
    @api("POST", "/rounds", body=schemas.RoundIn, roles=roles.RUN_ROUNDS, status=201, response=schemas.RoundOut,
         summary="Open a round: freeze the pool, commit to a secret (round.opened)")
    def open_round(self, req):
        with self.db.unit_of_work() as uow:
            round_ = rounds.open_round(uow, self.clock.now(), self.clock.today(), req.body,
                                       settings.fit_policy(self.config))
            uow.commit()
        return views.round_view(round_)

    @api("GET", "/rounds", query=schemas.RoundsQuery, roles=roles.SEE_ROUNDS, response=schemas.RoundsPageOut,
         summary="Rounds, latest first, by status and programme")
    def list_rounds(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: rounds.rounds_page(s, q), views.round_view)

    @api("POST", "/rounds/<round_id>/draw", body=schemas.DrawIn, roles=roles.RUN_ROUNDS, response=schemas.DrawOut,
         summary="Draw: reveal the secret, combine with the public values, rank, match, offer")
    def draw_round(self, req):
        with self.db.unit_of_work() as uow:
            out = rounds.draw_round(uow, self.clock.now(), self.clock.today(), req.path["round_id"],
                                    req.body["public_values"], req.body.get("secret_hex"))
            uow.commit()
        return out

    @api("GET", "/rounds/<round_id>", roles=roles.SEE_ROUNDS, response=schemas.RoundOut,
         summary="A round (secret shown only once drawn)")
    def get_round(self, req):
        with self.db.read() as s:
            return views.round_view(rounds.get_round(s, req.path["round_id"]))

    @api("GET", "/rounds/<round_id>/export", roles=roles.SEE_ROUNDS, response=schemas.ExportOut,
         summary="Everything needed to recompute a drawn round (input of `anju verify-round`)")
    def export_round(self, req):
        with self.db.read() as s:
            return rounds.export_round(s, req.path["round_id"])

    @api("GET", "/public/rounds/<round_id>/export", public=True, limit=PUBLIC_EXPORTS, response=schemas.ExportOut,
         summary="A drawn round's export for anyone to check with `anju verify-round` (no token; people "
                 "by application id and person_ref only; published when the round is drawn)")
    def public_round_export(self, req):
        with self.db.read() as s:
            return rounds.public_export(s, req.path["round_id"])

    @api("GET", "/rounds/<round_id>/offers", roles=roles.SEE_ROUNDS, response=schemas.RoundOffersOut,
         summary="Offers of a round")
    def round_offers(self, req):
        with self.db.read() as s:
            return {"offers": [views.offer_view(o) for o in rounds.offers_of(s, req.path["round_id"])]}

    @timer(interval=1)
    def announce_offers(self):
        for _ in range(ANNOUNCE_BATCHES_PER_TICK):
            with self.db.unit_of_work() as uow:
                if not rounds.announce_pending(uow, self.clock.now()):
                    return
                uow.commit()
