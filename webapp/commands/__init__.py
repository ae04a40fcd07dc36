"""CLI commands, one module per area; webapp/cli.py registers them on the `kaoping` group."""
