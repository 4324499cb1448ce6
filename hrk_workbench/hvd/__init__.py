"""High-value datasets (Commission Implementing Regulation (EU) 2023/138): the one source of
the obligations that the recommendation, the channel, licence and metadata advice enforce."""
