"""The `ticketd` command line: argument parsing (main.py), what each command does, the views."""
