"""The Risk lab and the Table lab, each a page made of sections of a few hundred lines.

``base`` (the data-file row, work off the GUI thread), ``data`` (reading and measuring on
worker threads), ``words`` (message keys, a step in words), the Risk lab's ``risk_roles``,
``risk_recipe``, ``risk_measures``, ``risk_result`` and ``risklab``, the Table lab's
``table_choices``, ``table_rules``, ``table_grid``, ``table_work`` and ``tablelab``, and the
saved results (``saved``, ``saved_risk``, ``with_saved``). Every decision is the library's
(``hrk_workbench.disclosure.lab_session`` and the modules it calls); nothing here imports a
page module, so the imports run one way.
"""
