"""Placements: the strategy that ranks each slot's lists, step by step (`strategy`), its
JSON form (`document`), and the placements and versions the business keeps
(`placement`)."""
