"""`python -m epaper`: the `epaper` command."""

from epaper.cli import main

main(prog_name="epaper")
