"""`python -m flows.cli`: the same command line as `newswatch`."""

from flows.cli.app import app

app()
