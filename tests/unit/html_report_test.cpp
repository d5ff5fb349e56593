// Tests of the HTML report: a later change.
