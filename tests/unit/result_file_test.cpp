// Tests of the result files: a later change.
