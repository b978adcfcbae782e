"""Tests of `showcase check`: every problem, in one run, with file, line and fix."""
