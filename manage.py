#!/usr/bin/env python
import os
import sys
from pathlib import Path


def load_dev_env() -> None:
    """Variables the set-up step wrote (var/dev.env), for those not already in the environment."""
    var = Path(os.environ.get("NQI_VAR_DIR", Path(__file__).resolve().parent / "var"))
    env_file = var / "dev.env"
    if not env_file.is_file():
        return
    for line in env_file.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and key and key not in os.environ:
            os.environ[key] = value


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    load_dev_env()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
