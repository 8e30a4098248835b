"""Notices: templates rendered (render.py), mails built (compose.py), queued in the
outbox (notify.py) and sent (outbox.py). A new notice is a template in templates/."""
