"""The recommendation, which reads every other rule, and what reads it: the HRK summary, the
full check of an assessment (a departure from the recommendation), the portfolio."""
