"""The demo district (示范区): `anju demo` plays a district's year against the five running
services through their public admin APIs and the bus only — never a direct table write.

    district.py   the deterministic generator: same seed → same enterprises, workers,
                  households, projects, units, funds and hardship registry (no I/O)
    client.py     the services over HTTP: tokens per role, paging, bounded waits for the bus
    clock.py      moving every service's clock together (POST /admin/clock), never sleeping
    phases.py     the year as a list of phases, each a small function; phases that need
                  endpoints this build lacks say so ("not available in this build")
    summary.py    the summary read back from the services' own endpoints, and the
                  consistency check (each invariant named; any broken one fails the run)
    progress.py   a plain-text progress bar per phase
    cli.py        `anju demo --workers N --seed S [--json]`
"""
