"""`ticketd run`: the composition root, the processes and loops, and `ticketd status`."""
