"""Allocation's entrypoints, one class per capability (composed into AllocationService):
HTTP endpoints (@api), timers and event handlers (@inbox_handler). Each method parses its
input, reads the clock, calls a use case through its module and replies.

- stock.py      StockEntrypoints      projects, units (JSON and CSV), maintenance status, lists
- pool.py       PoolEntrypoints       applications' events into the pool; GET /pool
- rounds.py     RoundsEntrypoints     open / draw / export rounds (and the public export);
                                      announcing drawn offers; GET /rounds
- offers.py     OffersEntrypoints     accept / decline / expire, move-in; GET /offers
- tenancies.py  TenanciesEntrypoints  move-out, scheduled ends, violations, rent.overdue, occupancy,
                                      GET /tenancies, GET /violations
- feedback.py   FeedbackEntrypoints   complaints, satisfaction, the service report; GET /complaints

Lists share one paging shape: ?page=&page_size= and {"total", "page", "page_size", "items"}.
- uploads.py    the @raw_api endpoint extension: a file (CSV) as the request body
"""
