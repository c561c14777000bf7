"""Who may do what in notify (通知与公示). The board is public. Routing, templates and webhook
subscriptions are the operator's (the deployment's technical owner, who connects other
government systems); the delivery log is read by staff, and district officers re-send dead
letters for their district."""

from services.common.roles import DISTRICT_OPS, READERS

OPERATOR = "operator"
WORKER = "worker"  # the token's subject is the worker's person_ref: they see only their own messages
SELF = (WORKER,)
OPERATE = (OPERATOR,)
READ_SETUP = (*READERS, OPERATOR)
READ_DELIVERIES = (*READERS, OPERATOR)
RESEND = (*DISTRICT_OPS, OPERATOR)
# A preview is a POST (it carries a draft) that changes nothing; still, the city rule counts
# POSTs as writes, so previews are for those who edit templates and the district's officers.
PREVIEW = (*DISTRICT_OPS, OPERATOR)
