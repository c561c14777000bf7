"""notify's use-case tests: delivery settings with short retry waits."""

import pytest

from services.notify.settings import delivery_settings


@pytest.fixture
def settings():
    return delivery_settings({"RETRY_SCHEDULE_SMS": "1,2", "RETRY_SCHEDULE_EMAIL": "1,2",
                              "RETRY_SCHEDULE_WEBHOOK": "1,2,3", "RETRY_JITTER": "0"})
