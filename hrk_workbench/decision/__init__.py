"""The recommendation, which reads every other rule, and what reads it: the HRK summary, the
full check of an assessment (a departure from the recommendation), where an assessment stands
(its steps and what is still missing), all advice in one object, the portfolio."""
