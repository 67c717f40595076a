"""`python -m randcheck`."""

from randcheck.cli import main

main()
