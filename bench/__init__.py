"""ticketd's benchmarks: `python -m bench` measures the daemon end to end (see __main__)."""
