"""`python -m sockscope` runs the command line."""

from sockscope.cli import main

main()
