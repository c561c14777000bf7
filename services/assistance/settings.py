"""assistance's policies read from its config (config.yaml; environment overrides)."""

from __future__ import annotations

from .domain.relief import ApprovalPolicy


def approval_policy(config) -> ApprovalPolicy:
    """RELIEF_APPROVAL_THRESHOLDS_FEN: comma-separated, ascending; a case whose total exceeds a
    threshold needs one more approval by a different district officer (default: above 2,000
    yuan two officers, above 10,000 yuan three). RELIEF_APPROVAL_POLICY_VERSION names this
    policy; every case keeps the version it was assessed under (change the version with the
    thresholds)."""
    getter = config.get if hasattr(config, "get") else (lambda _key: None)
    raw, version = getter("RELIEF_APPROVAL_THRESHOLDS_FEN"), getter("RELIEF_APPROVAL_POLICY_VERSION")
    version = str(version).strip() if version not in (None, "") else ApprovalPolicy.version
    if not 1 <= len(version) <= 20:
        raise ValueError("RELIEF_APPROVAL_POLICY_VERSION must be 1 to 20 characters")
    if not isinstance(raw, (str, int)) or str(raw).strip() == "":
        return ApprovalPolicy(version=version)
    thresholds = tuple(int(t) for t in str(raw).split(",") if t.strip())
    if list(thresholds) != sorted(thresholds) or any(t < 1 for t in thresholds):
        raise ValueError("RELIEF_APPROVAL_THRESHOLDS_FEN must be ascending positive integers (fen)")
    return ApprovalPolicy(thresholds, version)


def relocation_cash_fen(config) -> int:
    """RELOCATION_CASH_FEN: the default cash package of a relocation relief case (回迁救助),
    opened for staff to confirm when a hardship household's tenancy starts."""
    raw = config.get("RELOCATION_CASH_FEN") if hasattr(config, "get") else None
    value = int(raw) if raw not in (None, "") else 300_000
    if value < 1:
        raise ValueError("RELOCATION_CASH_FEN must be at least 1 fen")
    return value
