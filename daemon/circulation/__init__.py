"""Circulation rules ([[sla]]): business hours, targets, and the actions timers take."""
