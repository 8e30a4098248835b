"""Changes to tickets that people and timers make: actions, allocation, lifecycle."""
