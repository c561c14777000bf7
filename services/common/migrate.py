"""`python -m services.common.migrate SERVICE`: apply a service's migrations to DATABASE_URL.

Used by the Kubernetes migration Job, where only common + one service are installed."""

import os
import sys

from services.common.migrations import upgrade

if __name__ == "__main__":
    if len(sys.argv) != 2 or "DATABASE_URL" not in os.environ:
        sys.exit("usage: DATABASE_URL=... python -m services.common.migrate SERVICE")
    upgrade(sys.argv[1], os.environ["DATABASE_URL"])
    print(f"{sys.argv[1]}: migrated to head")
