"""The use-case tier: use cases against an in-memory SQLite unit of work (the `memory_store`
fixture of tests/conftest.py) with a fixed clock, and entrypoints through nameko's
`worker_factory` with that database injected (`WorkerDatabase`)."""
