"""Email backends: where `send_mail()` sends (EMAIL_BACKEND)."""
