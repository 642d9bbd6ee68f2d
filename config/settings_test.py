"""Settings for the test suite: the production settings, with a fast password hasher and jobs run inline."""

import os

os.environ.setdefault("SHOWROOM_TESTING", "1")

from .settings import *  # noqa: E402,F403
from .settings import Q_CLUSTER  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # production uses Argon2 (settings.py)
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
LANGUAGE_CODE = "en"
