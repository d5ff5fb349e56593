// Tests of the CSV and OpenMetrics exports: a later change.
