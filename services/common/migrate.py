"""`python -m services.common.migrate SERVICE`: apply a service's migrations to DATABASE_URL.

Used by the Kubernetes migration Job, where only common + one service are installed. The Job
connects as the database's owner; with DB_RUNTIME_ROLE set it then grants the service's own
login role row access only (services/common/grants.py)."""

import os
import sys

from services.common.migrations import upgrade

if __name__ == "__main__":
    if len(sys.argv) != 2 or "DATABASE_URL" not in os.environ:
        sys.exit("usage: DATABASE_URL=... python -m services.common.migrate SERVICE")
    runtime_role = os.environ.get("DB_RUNTIME_ROLE") or None
    granted = upgrade(sys.argv[1], os.environ["DATABASE_URL"], runtime_role=runtime_role)
    print(f"{sys.argv[1]}: migrated to head"
          + (f"; {runtime_role} granted row access ({len(granted)} statements)" if runtime_role else ""))
