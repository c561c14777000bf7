"""SetupEntrypoints: the operator's routing and templates (versioned), and previews."""

from __future__ import annotations

from services.common.http import api

from .. import catalogue, roles, routing, schemas, views


class SetupEntrypoints:
    @api("GET", "/routes", roles=roles.READ_SETUP, response=schemas.RouteList,
         summary="Every event type notify consumes, with the routing in force")
    def list_routes(self, req):
        with self.db.read() as session:
            out = []
            for event_type in catalogue.catalogue():
                version, rules = routing.current_route(session, event_type)
                out.append(views.route_view(event_type, version, rules))
            return {"routes": out}

    @api("GET", "/routes/<event_type>", roles=roles.READ_SETUP, response=schemas.RouteOut,
         summary="The routing in force for one event type")
    def get_route(self, req):
        event_type = req.path["event_type"]
        with self.db.read() as session:
            version, rules = routing.current_route(session, event_type)
            return views.route_view(event_type, version, rules)

    @api("PUT", "/routes/<event_type>", body=schemas.RouteIn, roles=roles.OPERATE, response=schemas.RouteOut,
         summary="Replace an event type's routing (a new version)")
    def set_route(self, req):
        event_type = req.path["event_type"]
        with self.db.unit_of_work() as uow:
            routing.set_route(uow, self.clock.now(), event_type, req.body["rules"], req.principal.ref)
            uow.commit()
        with self.db.read() as session:
            version, rules = routing.current_route(session, event_type)
            return views.route_view(event_type, version, rules)

    @api("GET", "/templates/<event_type>/<channel>", roles=roles.READ_SETUP, response=schemas.TemplateOut,
         summary="The template in force for an event type on a channel")
    def get_template(self, req):
        event_type = req.path["event_type"]
        channel = req.path["channel"]
        routing.known(event_type)
        with self.db.read() as session:
            found = routing.current_template(session, event_type, channel)
        if found is None:
            raise routing.NoTemplate(event_type, channel)
        return views.template_view(event_type, channel, found)

    @api("PUT", "/templates/<event_type>/<channel>", body=schemas.TemplateIn, roles=roles.OPERATE,
         response=schemas.TemplateOut,
         summary="Upload a template (a new version); refused with line and field when it does not compile "
                 "or names a field the event does not have")
    def set_template(self, req):
        event_type = req.path["event_type"]
        channel = req.path["channel"]
        with self.db.unit_of_work() as uow:
            version = routing.set_template(uow, self.clock.now(), event_type, channel, req.body["subject"],
                                           req.body["body"], req.principal.ref)
            uow.commit()
        return views.template_view(event_type, channel, (version, req.body["subject"], req.body["body"]))

    @api("POST", "/templates/<event_type>/<channel>/preview", body=schemas.PreviewIn, roles=roles.PREVIEW,
         response=schemas.PreviewOut, idempotent=False,
         summary="Render the template in force (or a draft) against a sample event")
    def preview_template(self, req):
        event_type = req.path["event_type"]
        channel = req.path["channel"]
        b = req.body
        with self.db.read() as session:
            return routing.preview(session, event_type, channel, b["data"], b["subject"], b["body"])
