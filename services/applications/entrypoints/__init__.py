"""The service's entrypoints, one class per capability (service.py composes them): each method
parses its input, reads the clock, calls a use case through its module and replies."""
