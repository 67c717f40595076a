"""Message catalog areas; each module defines ``MESSAGES: dict[key, {"zh": ..., "en": ...}]``."""
