"""Anonymised figures for the government (DESIGN G1, E2): frozen monthly extracts, count
tables, small-cell protection through tau-argus, email answer figures, and their renderings."""
