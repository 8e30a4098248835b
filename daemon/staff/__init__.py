"""What a staff mail does: identity (is the From vouched for?), plan (commands, relay,
note, forward) and mail.py, which carries it out."""
