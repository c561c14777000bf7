"""What other services ask applications over RPC: a person's contact details (notify, at send
time) and an application with its personal data masked."""

from __future__ import annotations

from . import models, repository, views


def contact(session, person_ref: str) -> dict | None:
    """Phone and e-mail (the owner's copy) and the masked name; None for an unknown person."""
    applicant = repository.applicant_by_ref(session, person_ref)
    if applicant is None:
        return None
    return {"person_ref": person_ref, "phone": applicant.phone, "email": applicant.email,
            "name_masked": applicant.name_masked}


def masked_application(session, now, application_id: str) -> dict | None:
    """An application with its personal data masked (None when unknown)."""
    row = session.get(models.Application, application_id)
    if row is None:
        return None
    return views.plain(views.application_view(session, row, full=False, now=now))
