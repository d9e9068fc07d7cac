#!/usr/bin/env python
"""Django's command-line utility; `centric` is the same thing installed as a command."""

from centric.__main__ import main

if __name__ == "__main__":
    main()
