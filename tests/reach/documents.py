"""Documents the reach tests share."""

from __future__ import annotations

#: a one-week course of one session: a cohort lasts one weekly period
COURSE = """\
tipframe: 1
kind: Programme
id: one-week
name: A one-week course
format: course
schedule: {cadence: P1W, sessions: 1, session_length: PT2H}
"""
