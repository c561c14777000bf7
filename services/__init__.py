"""Anju (安居): the trade-union worker-housing programme, as five nameko services."""
