"""assistance (困难帮扶): hardship registry, relief cases, in-kind stock, support plans."""
