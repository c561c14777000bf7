"""docs/webhooks.md's standard-library verifier agrees with ours and with the reference one
(the example in the docs is code someone will copy)."""

import re
import time
from pathlib import Path

from standardwebhooks import Webhook

from services.notify.domain import webhook_signing as ws

DOC = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"


def test_the_documented_stdlib_check_accepts_our_signature_and_refuses_a_forgery():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    namespace: dict = {}
    exec(blocks[1], namespace)  # noqa: S102 - the documentation's own example
    secret = ws.secret_from_bytes(b"k" * 32)
    body = b'{"event_type":"application.approved","data":{}}'
    headers = ws.headers([secret], "evt-1", int(time.time()), body)
    assert namespace["valid"](secret, headers, body)
    assert not namespace["valid"](secret, headers, body + b" ")
    assert Webhook(secret).verify(body, headers)["event_type"] == "application.approved"
    compile(blocks[0], "subscriber.py", "exec")  # the runnable subscriber at least compiles
