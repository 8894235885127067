"""Tests of opendata_pub.standards and validation.standard_rules."""
