"""Round (配租轮次) endpoints: open, draw, read, export; the timer that announces drawn offers."""

from __future__ import annotations

from nameko.timer import timer

from services.common.http import api

from .. import roles, rounds, schemas, settings, views

ANNOUNCE_BATCHES_PER_TICK = 20  # at most 10,000 offers per tick; the next tick continues


class RoundsEntrypoints:
    @api("POST", "/rounds", body=schemas.RoundIn, roles=roles.RUN_ROUNDS, status=201,
         summary="Open a round: freeze the pool, commit to a secret (round.opened)")
    def open_round(self, req):
        with self.db.unit_of_work() as uow:
            round_ = rounds.open_round(uow, self.clock.now(), self.clock.today(), req.body,
                                       settings.fit_policy(self.config))
            uow.commit()
        return views.round_view(round_)

    @api("POST", "/rounds/<round_id>/draw", body=schemas.DrawIn, roles=roles.RUN_ROUNDS,
         summary="Draw: reveal the secret, combine with the public values, rank, match, offer")
    def draw_round(self, req):
        with self.db.unit_of_work() as uow:
            out = rounds.draw_round(uow, self.clock.now(), self.clock.today(), req.path["round_id"],
                                    req.body["public_values"], req.body.get("secret_hex"))
            uow.commit()
        return out

    @api("GET", "/rounds/<round_id>", roles=roles.SEE_ROUNDS, summary="A round (secret shown only once drawn)")
    def get_round(self, req):
        with self.db.read() as s:
            return views.round_view(rounds.get_round(s, req.path["round_id"]))

    @api("GET", "/rounds/<round_id>/export", roles=roles.SEE_ROUNDS,
         summary="Everything needed to recompute a drawn round (input of `anju verify-round`)")
    def export_round(self, req):
        with self.db.read() as s:
            return rounds.export_round(s, req.path["round_id"])

    @api("GET", "/rounds/<round_id>/offers", roles=roles.SEE_ROUNDS, summary="Offers of a round")
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
