"""`python -m actiondiff` runs the command line."""

from actiondiff.cli import main

main()
