"""The quality statement: ratings of the 11 criteria and the weaknesses to publish."""

from hrk_workbench.quality.statement import QualityStatement, quality_statement

__all__ = ["QualityStatement", "quality_statement"]
