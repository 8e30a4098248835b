"""Pure parsing: raw bytes and header strings in, frozen values out. No I/O."""
