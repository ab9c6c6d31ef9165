"""Settings about personal data (issue 19; docs/personal-data.md), read from the environment
like the rest (config/settings.py imports them): the privacy notice, how long things are kept,
and the keys and cipher for personal data at rest."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from core.crypto import ciphers, keys

from .env import env_int, env_str

# Retention of what holds personal data beyond the cases themselves (core/retention.py, a daily
# beat job; docs/personal-data.md, "Retention"): read notifications go after this many days,
# unread ones after twice as many (NQI_NOTIFICATION_DAYS is the variable's former name).
NQI_RETENTION_NOTIFICATIONS_DAYS = env_int(
    "NQI_RETENTION_NOTIFICATIONS_DAYS", env_int("NQI_NOTIFICATION_DAYS", 180, minimum=1), minimum=1
)
# Delivered webhook calls keep their row, status and times, but their payload is emptied after
# this many days; failed ones (no automatic retry left) are deleted after as many.
NQI_RETENTION_WEBHOOK_DAYS = env_int("NQI_RETENTION_WEBHOOK_DAYS", 30, minimum=1)
# django-axes' sign-in records (user name, address, browser) are network logs, which the
# Cybersecurity Law (网络安全法 Art. 21) requires to be kept for six months at least.
NQI_RETENTION_LOGIN_DAYS = env_int("NQI_RETENTION_LOGIN_DAYS", 180, minimum=180)
# The privacy notice every intake accepts (casemgmt/consent/notice.py): a new version asks again.
# The bureau's contact (empty: a placeholder saying to set it); case data kept N years after the end.
NQI_PRIVACY_NOTICE_VERSION = env_str("NQI_PRIVACY_NOTICE_VERSION", "2026-12")
NQI_PRIVACY_CONTACT = env_str("NQI_PRIVACY_CONTACT", "")
NQI_PRIVACY_CONTACT_EN = env_str("NQI_PRIVACY_CONTACT_EN", "")
NQI_RETENTION_CASE_YEARS = env_int("NQI_RETENTION_CASE_YEARS", 3, minimum=1)
# Personal data at rest (core/crypto): keys "id:base64(32 bytes)", newest first, older ones kept
# while values sealed with them remain (manage.py rotate_data_keys); empty derives one key from
# DJANGO_SECRET_KEY. Parsed here so that a bad value stops the start, naming what is wrong.
NQI_DATA_KEYS = env_str("NQI_DATA_KEYS", "")
keys.parse(NQI_DATA_KEYS)
NQI_DATA_CIPHER = env_str("NQI_DATA_CIPHER", ciphers.AES_GCM)
if NQI_DATA_CIPHER not in ciphers.CIPHERS:
    raise ImproperlyConfigured(f"NQI_DATA_CIPHER must be one of: {', '.join(ciphers.CIPHERS)}.")
