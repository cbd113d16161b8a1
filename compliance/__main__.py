"""`python -m compliance` runs the same CLI as the `tos-check` script."""

from compliance.entry import main

main()
