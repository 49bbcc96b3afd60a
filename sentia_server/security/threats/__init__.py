"""Threat detection: attack patterns in input, behavioural signals, and their correlation into a threat level."""
