"""Thin command-line layer over the library: one module per subcommand."""
