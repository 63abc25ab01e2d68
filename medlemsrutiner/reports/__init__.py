"""Reports, pure: the retention statistics (statistics) and the chart of them (chart)."""
