"""Pure domain layer of the ``allocation`` service (房源与分配).

Standard library only: no nameko, AMQP, HTTP or database imports, so every rule here can be
tested in microseconds and re-run by anyone who wants to check a published round.

Modules:

- ``stock``       房源 housing stock: units/beds and their status transitions.
- ``fit``         which unit a household may be given (size, category, accessibility).
- ``lottery``     摇号 commit–reveal seed and the tie-break key.
- ``ranking``     the 配租 pool and its ranking (points, then lottery key).
- ``matching``    serial dictatorship with reserved quotas; 轮候 waitlist.
- ``offers``      offer lifecycle, decline penalties, moving the waitlist up.
- ``violations``  违规扣分 deduction points and the termination threshold.
- ``tenancies``   租赁 the dates a tenancy's move-in, move-out and violations may carry.
- ``verify``      canonical export of a round and independent re-computation.
- ``csv_import``  units CSV import with per-cell errors.
- ``bulk``        many frozen dataclass instances at once, for columns checked as a whole.
"""
