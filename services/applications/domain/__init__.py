"""Pure domain layer of the applications service (申请与资格审核): standard library only, no I/O."""
