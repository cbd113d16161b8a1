"""`python -m compliance` runs the same CLI as the `tos-check` script."""

from compliance.cli import main

main()
