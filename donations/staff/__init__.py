"""Staff tools: the dashboard, CSV exports, receipt downloads, donor erasure."""
