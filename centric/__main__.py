"""The `centric` command: Django's management commands under the project's name.

`centric demo`, `centric worker`, `centric import people FILE`, `centric token create USER`
are ordinary management commands; this entry point only points Django at the settings.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "centric.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
