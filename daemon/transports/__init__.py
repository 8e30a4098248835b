"""Transports only hand bytes to the spool and answer their protocol."""
