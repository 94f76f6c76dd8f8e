import pytest


@pytest.fixture
def enqueued_emails(monkeypatch):
    """Records what send_email.delay is called with instead of reaching a broker."""
    calls = []
    monkeypatch.setattr(
        "accounts.emails.send_email_task.delay", lambda **kwargs: calls.append(kwargs)
    )
    return calls
