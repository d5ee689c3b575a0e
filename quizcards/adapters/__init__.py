"""The edges of the world: deck files, atomic writes, untrusted text made inert, the terminal."""
